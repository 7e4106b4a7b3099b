//! Decoding checks, defaulting and validation, as the API server's registry
//! strategies and admission plugins do them (ServiceAccount, DefaultTolerationSeconds,
//! NamespaceLifecycle). The typed decode before them is in `decode.rs`.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Cause};
use crate::cluster::Cluster;
use crate::resources::ResourceType;

/// Fills the fields the server defaults.
pub fn default_object(cluster: &mut Cluster, rt: &ResourceType, obj: &mut Value) {
    match rt.kind {
        "Pod" => default_pod(cluster, obj),
        "Namespace" => {
            let name = obj["metadata"]["name"].clone();
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
            if obj["spec"]["finalizers"].is_null() {
                obj["spec"]["finalizers"] = json!(["kubernetes"]);
            }
            if obj["status"]["phase"].is_null() {
                obj["status"]["phase"] = json!("Active");
            }
        }
        "Service" => crate::network::default_service(cluster, obj),
        "Secret" => {
            // `stringData` is write-only: merged into `data` as base64.
            if let Some(sd) = obj.get("stringData").and_then(Value::as_object).cloned() {
                for (k, v) in sd {
                    obj["data"][k.as_str()] = json!(base64(v.as_str().unwrap_or("").as_bytes()));
                }
                obj.as_object_mut().map(|m| m.remove("stringData"));
            }
            if obj["type"].is_null() {
                obj["type"] = json!("Opaque");
            }
        }
        "Deployment" => {
            let spec = &mut obj["spec"];
            set_if_null(spec, "replicas", json!(1));
            set_if_null(spec, "revisionHistoryLimit", json!(10));
            set_if_null(spec, "progressDeadlineSeconds", json!(600));
            if spec["strategy"]["type"].is_null() {
                spec["strategy"]["type"] = json!("RollingUpdate");
            }
            if spec["strategy"]["type"] == "RollingUpdate" {
                set_if_null(&mut spec["strategy"]["rollingUpdate"], "maxSurge", json!("25%"));
                set_if_null(&mut spec["strategy"]["rollingUpdate"], "maxUnavailable", json!("25%"));
            }
            default_pod_spec(&mut spec["template"]["spec"]);
        }
        "ReplicaSet" | "DaemonSet" | "Job" => {
            if rt.kind == "ReplicaSet" {
                set_if_null(&mut obj["spec"], "replicas", json!(1));
            }
            default_pod_spec(&mut obj["spec"]["template"]["spec"]);
            if rt.kind == "Job" {
                crate::jobs::default_job(obj);
            }
        }
        "StatefulSet" => {
            crate::statefulset::default_statefulset(obj);
            default_pod_spec(&mut obj["spec"]["template"]["spec"]);
        }
        "PersistentVolumeClaim" => crate::storage::default_claim(cluster, obj),
        "PersistentVolume" => crate::storage::default_volume(obj),
        "PriorityClass" => crate::priority::default_class_object(obj),
        "PodDisruptionBudget" => {
            // The status's counters are not omitempty: a new PDB stores them as 0.
            for f in ["currentHealthy", "desiredHealthy", "disruptionsAllowed", "expectedPods"] {
                set_if_null(&mut obj["status"], f, json!(0));
            }
        }
        "CronJob" => {
            crate::jobs::default_cronjob(obj);
            default_pod_spec(&mut obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
        }
        _ => {}
    }
}

fn set_if_null(v: &mut Value, key: &str, value: Value) {
    if v.get(key).is_none_or(Value::is_null) {
        v[key] = value;
    }
}

/// The defaults every pod spec gets (also inside templates).
fn default_pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut().filter(|c| c.is_object()) {
                let image = c["image"].as_str().unwrap_or("").to_string();
                let policy = if image_tag_is_latest(&image) { "Always" } else { "IfNotPresent" };
                set_if_null(c, "imagePullPolicy", json!(policy));
                set_if_null(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_if_null(c, "terminationMessagePolicy", json!("File"));
                set_if_null(c, "resources", json!({}));
                if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                    for p in ports.iter_mut().filter(|p| p.is_object()) {
                        set_if_null(p, "protocol", json!("TCP"));
                    }
                }
                for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                    if let Some(p) = c.get_mut(probe).filter(|p| p.is_object()) {
                        set_if_null(p, "timeoutSeconds", json!(1));
                        set_if_null(p, "periodSeconds", json!(10));
                        set_if_null(p, "successThreshold", json!(1));
                        set_if_null(p, "failureThreshold", json!(3));
                        if p["httpGet"].is_object() {
                            set_if_null(&mut p["httpGet"], "scheme", json!("HTTP"));
                            set_if_null(&mut p["httpGet"], "path", json!("/"));
                        }
                    }
                }
                if let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) {
                    for e in env.iter_mut() {
                        if let Some(fr) = e.get_mut("valueFrom").and_then(|v| v.get_mut("fieldRef")) {
                            set_if_null(fr, "apiVersion", json!("v1"));
                        }
                    }
                }
            }
        }
    }
    set_if_null(spec, "restartPolicy", json!("Always"));
    set_if_null(spec, "terminationGracePeriodSeconds", json!(30));
    set_if_null(spec, "dnsPolicy", json!("ClusterFirst"));
    set_if_null(spec, "securityContext", json!({}));
    set_if_null(spec, "schedulerName", json!("default-scheduler"));
}

/// `IfNotPresent` unless the image is untagged or tagged `:latest` (and has no digest).
pub fn image_tag_is_latest(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

fn default_pod(cluster: &mut Cluster, pod: &mut Value) {
    default_pod_spec(&mut pod["spec"]);
    // SetDefaults_Pod: a container's limits stand in for requests it does not give.
    for list in ["initContainers", "containers"] {
        if let Some(containers) = pod["spec"].get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut().filter(|c| c.is_object()) {
                if let Some(limits) = c["resources"]["limits"].as_object().cloned() {
                    for (k, v) in limits {
                        if c["resources"]["requests"].get(&k).is_none() {
                            c["resources"]["requests"][k.as_str()] = v;
                        }
                    }
                }
            }
        }
    }
    let spec = &mut pod["spec"];
    set_if_null(spec, "enableServiceLinks", json!(true));
    // `priority` and `preemptionPolicy` come from the Priority admission plugin
    // (`priority.rs`).
    // ServiceAccount admission: the service account and its token volume.
    let sa = spec["serviceAccountName"].as_str().or_else(|| spec["serviceAccount"].as_str()).unwrap_or("default").to_string();
    spec["serviceAccountName"] = json!(sa);
    spec["serviceAccount"] = json!(sa);
    let automount = spec["automountServiceAccountToken"].as_bool() != Some(false);
    let has_token_volume = spec["volumes"]
        .as_array()
        .is_some_and(|v| v.iter().any(|v| v["name"].as_str().is_some_and(|n| n.starts_with("kube-api-access-"))));
    if automount && !has_token_volume && spec["containers"].is_array() {
        let name = token_volume_name(&mut cluster.rng);
        let volume = json!({
            "name": name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                    {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
                ],
            },
        });
        match spec["volumes"].as_array_mut() {
            Some(v) => v.push(volume),
            None => spec["volumes"] = json!([volume]),
        }
        for list in ["initContainers", "containers"] {
            if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
                for c in containers.iter_mut().filter(|c| c.is_object()) {
                    let mount = json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": name, "readOnly": true});
                    match c["volumeMounts"].as_array_mut() {
                        Some(m) => m.push(mount),
                        None => c["volumeMounts"] = json!([mount]),
                    }
                }
            }
        }
    }
    // DefaultTolerationSeconds admission.
    let mut tolerations = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        if !tolerations.iter().any(|t| t["key"] == key) {
            tolerations.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
    spec["tolerations"] = json!(tolerations);
    if pod["status"]["phase"].is_null() {
        pod["status"] = json!({"phase": "Pending", "qosClass": qos_class(&pod["spec"])});
    }
}

/// The name of the service account token volume [`default_pod`] adds, drawn from `rng`.
pub(crate) fn token_volume_name(rng: &mut crate::rng::SimRng) -> String {
    format!("kube-api-access-{}", rng.name_suffix(5))
}

/// Names `name` the token volume [`default_pod`] added to `spec` (the last volume and
/// each container's last mount): `spec` is then the one a pod defaulted from the same
/// spec with `name` drawn has.
pub(crate) fn rename_token_volume(spec: &mut Value, name: &str) {
    if let Some(v) = spec.get_mut("volumes").and_then(Value::as_array_mut).and_then(|v| v.last_mut()) {
        v["name"] = json!(name);
    }
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut().filter(|c| c.is_object()) {
                if let Some(m) = c.get_mut("volumeMounts").and_then(Value::as_array_mut).and_then(|m| m.last_mut()) {
                    m["name"] = json!(name);
                }
            }
        }
    }
}

/// The pod's QoS class, computed as `kubelet/qos.GetPodQOS` does.
pub fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .flat_map(|l| spec[*l].as_array().into_iter().flatten())
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let req = &c["resources"]["requests"];
        let lim = &c["resources"]["limits"];
        for r in ["cpu", "memory"] {
            let (q, l) = (req.get(r).filter(|v| !v.is_null()), lim.get(r).filter(|v| !v.is_null()));
            if q.is_some() || l.is_some() {
                any = true;
            }
            match l {
                None => guaranteed = false,
                Some(l) => {
                    if q.is_some_and(|q| q != l) {
                        guaranteed = false;
                    }
                }
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

fn invalid_value(field: &str, value: &Value, msg: &str) -> Cause {
    let shown = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    Cause { reason: "FieldValueInvalid", field: field.into(), message: format!("Invalid value: {shown}: {msg}") }
}

fn not_supported(field: &str, value: &str, supported: &[&str]) -> Cause {
    let list: Vec<String> = supported.iter().map(|v| format!("{v:?}")).collect();
    Cause { reason: "FieldValueNotSupported", field: field.into(), message: format!("Unsupported value: {value:?}: supported values: {}", list.join(", ")) }
}

pub(crate) fn forbidden(field: &str, detail: &str) -> Cause {
    Cause { reason: "FieldValueForbidden", field: field.into(), message: format!("Forbidden: {detail}") }
}

/// `ValidateNonnegativeField`.
fn nonnegative(value: &Value, field: &str) -> Option<Cause> {
    let n = value.as_i64().filter(|n| *n < 0)?;
    Some(invalid_value(field, &json!(n), "must be greater than or equal to 0"))
}

fn required(field: &str, detail: &str) -> Cause {
    let message = if detail.is_empty() { "Required value".to_string() } else { format!("Required value: {detail}") };
    Cause { reason: "FieldValueRequired", field: field.into(), message }
}

fn name_causes(rt: &ResourceType, obj: &Value) -> Vec<Cause> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    if name.is_empty() {
        return vec![required("metadata.name", "name or generateName is required")];
    }
    // RBAC objects and APIServices only need a valid path segment
    // (`path.ValidatePathSegmentName`): `system:metrics-server`, `v1.`.
    if matches!(rt.kind, "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" | "APIService") {
        let msg = match name {
            "." => Some("may not be '.'"),
            ".." => Some("may not be '..'"),
            _ if name.contains('/') => Some("may not contain '/'"),
            _ if name.contains('%') => Some("may not contain '%'"),
            _ => None,
        };
        return msg.map(|m| invalid_value("metadata.name", &json!(name), m)).into_iter().collect();
    }
    let (ok, msg) = match rt.kind {
        "Namespace" => (is_dns1123_label(name), DNS1123_LABEL_MSG),
        "Service" => (is_dns1035_label(name), DNS1035_LABEL_MSG),
        _ => (is_dns1123_subdomain(name), DNS1123_SUBDOMAIN_MSG),
    };
    let mut causes = Vec::new();
    if !ok {
        causes.push(invalid_value("metadata.name", &json!(name), msg));
    }
    causes
}

pub fn validate_create(rt: &ResourceType, obj: &Value) -> ApiResult<()> {
    finish(rt, obj, create_causes(rt, obj))
}

fn create_causes(rt: &ResourceType, obj: &Value) -> Vec<Cause> {
    let mut causes = name_causes(rt, obj);
    if rt.kind == "Pod" {
        causes.extend(pod_spec_causes(&obj["spec"], "spec"));
    }
    // `ValidateNonnegativeField` on the workloads' replica counts (a negative count
    // once reached the controllers through an update).
    if matches!(rt.kind, "Deployment" | "ReplicaSet" | "ReplicationController") {
        causes.extend(nonnegative(&obj["spec"]["replicas"], "spec.replicas"));
    }
    if rt.kind == "StatefulSet" {
        causes.extend(statefulset_spec_causes(&obj["spec"]));
    }
    if rt.kind == "PriorityClass" {
        causes.extend(crate::priority::class_causes(obj));
    }
    if rt.kind == "PersistentVolumeClaim" {
        causes.extend(crate::storage::claim_causes(obj));
    }
    if rt.kind == "PersistentVolume" {
        causes.extend(crate::storage::volume_causes(obj));
    }
    if rt.kind == "Deployment" || rt.kind == "StatefulSet" {
        causes.extend(pod_spec_causes(&obj["spec"]["template"]["spec"], "spec.template.spec"));
        let sel = crate::selectors::LabelSelector::from_object(&obj["spec"]["selector"]);
        if obj["spec"]["selector"].is_null() {
            causes.push(required("spec.selector", ""));
        } else if !sel.matches(obj["spec"]["template"]["metadata"].get("labels")) {
            causes.push(invalid_value(
                "spec.template.metadata.labels",
                &json!(labels_string(&obj["spec"]["template"]["metadata"]["labels"])),
                "`selector` does not match template `labels`",
            ));
        }
    }
    if rt.kind == "Job" || rt.kind == "CronJob" {
        let (spec, at) = if rt.kind == "Job" {
            (&obj["spec"]["template"]["spec"], "spec.template.spec")
        } else {
            (&obj["spec"]["jobTemplate"]["spec"]["template"]["spec"], "spec.jobTemplate.spec.template.spec")
        };
        causes.extend(pod_spec_causes(spec, at));
        if !matches!(spec["restartPolicy"].as_str(), Some("OnFailure" | "Never")) {
            causes.push(Cause {
                reason: "FieldValueRequired",
                field: format!("{at}.restartPolicy"),
                message: "Required value: valid values: \"OnFailure\", \"Never\"".into(),
            });
        }
    }
    if rt.kind == "CronJob" {
        let schedule = obj["spec"]["schedule"].as_str().unwrap_or("");
        if schedule.is_empty() {
            causes.push(required("spec.schedule", ""));
        } else if let Err(e) = crate::jobs::Schedule::parse(schedule) {
            causes.push(invalid_value("spec.schedule", &json!(schedule), &e));
        }
        if let Some(zone) = obj["spec"]["timeZone"].as_str() {
            if crate::jobs::zone_offset(zone).is_none() {
                causes.push(invalid_value("spec.timeZone", &json!(zone), &format!("unknown time zone {zone}")));
            }
        }
    }
    causes
}

/// `ValidateStatefulSetSpec` up to the selector (which the Deployment's checks below
/// share), in its order: the pod management policy, the update strategy (with
/// `validateRollingUpdateStatefulSet`: MaxUnavailableStatefulSet is beta and on in
/// 1.35, so `maxUnavailable` is kept and checked), the claim retention policy, then
/// the counters. A bad strategy shows the internal Go struct as `field` renders it
/// since 1.34 (`json.Marshal`, Go field names).
fn statefulset_spec_causes(spec: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let policy = spec["podManagementPolicy"].as_str().unwrap_or("");
    match policy {
        "" => causes.push(required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => causes.push(invalid_value("spec.podManagementPolicy", &json!(other), "must be 'OrderedReady' or 'Parallel'")),
    }
    let strategy = &spec["updateStrategy"];
    let ru = &strategy["rollingUpdate"];
    let internal_ru = || {
        if ru.is_null() {
            "null".to_string()
        } else {
            format!("{{\"Partition\":{},\"MaxUnavailable\":{}}}", ru["partition"].as_i64().unwrap_or(0), if ru["maxUnavailable"].is_null() { "null".into() } else { ru["maxUnavailable"].to_string() })
        }
    };
    match strategy["type"].as_str().unwrap_or("") {
        "" => causes.push(required("spec.updateStrategy", "")),
        "OnDelete" => {
            if !ru.is_null() {
                causes.push(Cause {
                    reason: "FieldValueInvalid",
                    field: "spec.updateStrategy.rollingUpdate".into(),
                    message: format!("Invalid value: {}: only allowed for updateStrategy 'RollingUpdate'", internal_ru()),
                });
            }
        }
        "RollingUpdate" => {
            if !ru.is_null() {
                causes.extend(nonnegative(&ru["partition"], "spec.updateStrategy.rollingUpdate.partition"));
                causes.extend(max_unavailable_causes(&ru["maxUnavailable"], "spec.updateStrategy.rollingUpdate.maxUnavailable"));
            }
        }
        other => causes.push(Cause {
            reason: "FieldValueInvalid",
            field: "spec.updateStrategy".into(),
            message: format!("Invalid value: {{\"Type\":{other:?},\"RollingUpdate\":{}}}: must be 'RollingUpdate' or 'OnDelete'", internal_ru()),
        }),
    }
    let retention = &spec["persistentVolumeClaimRetentionPolicy"];
    if retention.is_object() {
        for f in ["whenDeleted", "whenScaled"] {
            let v = retention[f].as_str().unwrap_or("");
            if !matches!(v, "Retain" | "Delete") {
                causes.push(not_supported(&format!("spec.persistentVolumeClaimRetentionPolicy.{f}"), v, &["Retain", "Delete"]));
            }
        }
    }
    causes.extend(nonnegative(&spec["replicas"], "spec.replicas"));
    causes.extend(nonnegative(&spec["minReadySeconds"], "spec.minReadySeconds"));
    if spec["ordinals"].is_object() {
        causes.extend(nonnegative(&spec["ordinals"]["start"], "spec.ordinals.start"));
    }
    causes
}

/// `ValidatePositiveIntOrPercent`, then not 0 and not over 100% (a StatefulSet's
/// `maxUnavailable`). A string that is no percentage reads as `Atoi` does — 0 when
/// it is no number — so `"abc"` also "cannot be 0".
fn max_unavailable_causes(v: &Value, field: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let value = match v {
        Value::Null => return causes,
        Value::Number(n) => {
            causes.extend(nonnegative(v, field));
            n.as_i64().unwrap_or(0)
        }
        Value::String(s) => {
            let percent = s.strip_suffix('%').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            match percent {
                Some(digits) => {
                    let pct = digits.parse::<i64>().unwrap_or(i64::MAX);
                    if pct > 100 {
                        causes.push(invalid_value(field, v, "must not be greater than 100%"));
                    }
                    pct
                }
                None => {
                    causes.push(invalid_value(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
                    s.parse::<i64>().unwrap_or(0)
                }
            }
        }
        _ => return causes,
    };
    // (A value of 0 is never over 100%, so this keeps the real order.)
    if value == 0 {
        causes.push(invalid_value(field, v, "cannot be 0"));
    }
    causes
}

fn labels_string(labels: &Value) -> String {
    let pairs: Vec<String> = labels
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or(""))).collect())
        .unwrap_or_default();
    format!("map[{}]", pairs.join(" "))
}

fn finish(rt: &ResourceType, obj: &Value, causes: Vec<Cause>) -> ApiResult<()> {
    if causes.is_empty() {
        return Ok(());
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    Err(ApiError::invalid(rt.group, rt.kind, name, causes))
}

fn pod_spec_causes(spec: &Value, at: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let containers = spec["containers"].as_array().cloned().unwrap_or_default();
    if containers.is_empty() {
        causes.push(required(&format!("{at}.containers"), ""));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let base = format!("{at}.containers[{i}]");
        let name = c["name"].as_str().unwrap_or("");
        if name.is_empty() {
            causes.push(required(&format!("{base}.name"), ""));
        } else if !is_dns1123_label(name) {
            causes.push(invalid_value(&format!("{base}.name"), &json!(name), DNS1123_LABEL_MSG));
        } else if !seen.insert(name.to_string()) {
            causes.push(Cause { reason: "FieldValueDuplicate", field: format!("{base}.name"), message: format!("Duplicate value: {name:?}") });
        }
        if c["image"].as_str().unwrap_or("").trim().is_empty() {
            causes.push(required(&format!("{base}.image"), ""));
        }
        for (j, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
            let port = p["containerPort"].as_i64().unwrap_or(0);
            if !(1..=65535).contains(&port) {
                causes.push(invalid_value(&format!("{base}.ports[{j}].containerPort"), &json!(port), "must be between 1 and 65535, inclusive"));
            }
        }
    }
    match spec["restartPolicy"].as_str() {
        Some("Always" | "OnFailure" | "Never") | None => {}
        Some(other) => causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: format!("{at}.restartPolicy"),
            message: format!("Unsupported value: {other:?}: supported values: \"Always\", \"OnFailure\", \"Never\""),
        }),
    }
    causes
}

pub fn validate_update(rt: &ResourceType, current: &Value, next: &Value) -> ApiResult<()> {
    if rt.kind == "Pod" {
        // Only a few pod spec fields may change (`ValidatePodUpdate`).
        let mut a = current["spec"].clone();
        let mut b = next["spec"].clone();
        for spec in [&mut a, &mut b] {
            for list in ["containers", "initContainers"] {
                if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        c["image"] = Value::Null;
                    }
                }
            }
            spec["activeDeadlineSeconds"] = Value::Null;
            spec["tolerations"] = Value::Null;
            spec["terminationGracePeriodSeconds"] = Value::Null;
        }
        if a != b {
            let name = next["metadata"]["name"].as_str().unwrap_or("");
            return Err(ApiError::invalid(rt.group, rt.kind, name, vec![Cause {
                reason: "FieldValueForbidden",
                field: "spec".into(),
                message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
            }]));
        }
        return pod_spec_causes(&next["spec"], "spec").is_empty().then_some(()).ok_or_else(|| {
            ApiError::invalid(rt.group, rt.kind, next["metadata"]["name"].as_str().unwrap_or(""), pod_spec_causes(&next["spec"], "spec"))
        });
    }
    if rt.kind == "PriorityClass" {
        // `ValidatePriorityClassUpdate` alone: the create checks do not run again.
        return finish(rt, next, crate::priority::class_update_causes(current, next));
    }
    if rt.kind == "StatefulSet" {
        // `ValidateStatefulSetUpdate`: the spec checks, then only some fields may change.
        let mut causes = create_causes(rt, next);
        if statefulset_fixed_spec(current) != statefulset_fixed_spec(next) {
            causes.push(forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
        return finish(rt, next, causes);
    }
    if rt.kind == "PersistentVolumeClaim" {
        pvc_update_causes(current, next).is_empty().then_some(()).ok_or_else(|| {
            ApiError::invalid(rt.group, rt.kind, next["metadata"]["name"].as_str().unwrap_or(""), pvc_update_causes(current, next))
        })?;
    }
    validate_create(rt, next)
}

/// A StatefulSet's spec without the fields an update may change, compared as
/// `apiequality.Semantic.DeepEqual` does: a field left out, null, empty, or its zero
/// string are the same.
fn statefulset_fixed_spec(set: &Value) -> Value {
    fn prune(v: &Value) -> Option<Value> {
        match v {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::Array(a) if a.is_empty() => None,
            Value::Array(a) => Some(Value::Array(a.iter().map(|x| prune(x).unwrap_or(Value::Null)).collect())),
            Value::Object(m) => {
                let m: serde_json::Map<String, Value> = m.iter().filter_map(|(k, x)| prune(x).map(|x| (k.clone(), x))).collect();
                (!m.is_empty()).then_some(Value::Object(m))
            }
            other => Some(other.clone()),
        }
    }
    let mut spec = set["spec"].clone();
    if let Some(m) = spec.as_object_mut() {
        for f in ["replicas", "template", "updateStrategy", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy"] {
            m.remove(f);
        }
    }
    let mut spec = prune(&spec).unwrap_or(Value::Null);
    // Quantities compare by value (`resource.Quantity` under Semantic.DeepEqual):
    // a claim template asking for 1Gi is the same as one asking for 1024Mi.
    for template in spec.get_mut("volumeClaimTemplates").and_then(Value::as_array_mut).into_iter().flatten() {
        let Some(resources) = template.get_mut("spec").and_then(|s| s.get_mut("resources")) else { continue };
        for kind in ["requests", "limits"] {
            for quantity in resources.get_mut(kind).and_then(Value::as_object_mut).into_iter().flat_map(|m| m.values_mut()) {
                let milli = match &*quantity {
                    Value::String(text) => crate::quantity::parse_milli(text).ok(),
                    Value::Number(_) => Some(crate::quantity::milli(quantity)),
                    _ => None,
                };
                if let Some(milli) = milli {
                    *quantity = json!(format!("{milli}m"));
                }
            }
        }
    }
    spec
}

/// `ValidatePersistentVolumeClaimUpdate`: a claim's spec is immutable but for
/// `volumeName` set once and, while bound, the storage request and
/// `volumeAttributesClassName`; the message carries the diff of the internal specs
/// (`diff.Diff`: Go field names, `json.MarshalIndent` with one space, a unified diff).
fn pvc_update_causes(old: &Value, new: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let bound = old["status"]["phase"] == "Bound";
    let mut old_spec = old["spec"].clone();
    let mut new_spec = new["spec"].clone();
    if old_spec["volumeName"].as_str().unwrap_or("").is_empty() {
        old_spec["volumeName"] = new_spec["volumeName"].clone();
    }
    if bound && new_spec["resources"]["requests"].is_object() {
        new_spec["resources"]["requests"]["storage"] = old_spec["resources"]["requests"]["storage"].clone();
        if new_spec["resources"]["requests"]["storage"].is_null() {
            new_spec["resources"]["requests"]["storage"] = json!("0");
        }
    }
    if bound && new_spec["volumeAttributesClassName"].is_string() {
        new_spec["volumeAttributesClassName"] = old_spec["volumeAttributesClassName"].clone();
    }
    let (a, b) = (internal_pvc_spec(&old_spec), internal_pvc_spec(&new_spec));
    if a != b {
        causes.push(Cause {
            reason: "FieldValueForbidden",
            field: "spec".into(),
            message: format!(
                "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                kubeniwa_format::difflib::unified_diff(&a, &b, 3)
            ),
        });
    }
    let size = |v: &Value| crate::quantity::milli(&v["spec"]["resources"]["requests"]["storage"]);
    let (old_size, new_size) = (size(old), size(new));
    let status_size = crate::quantity::milli(&old["status"]["capacity"]["storage"]);
    // RecoverVolumeExpansionFailure (GA): a request may shrink, but not to the capacity.
    if new_size < old_size && new_size <= status_size {
        causes.push(Cause { reason: "FieldValueForbidden", field: "spec.resources.requests.storage".into(), message: "Forbidden: field can not be less than status.capacity".into() });
    }
    if old["spec"]["volumeMode"] != new["spec"]["volumeMode"] {
        causes.push(invalid_value("volumeMode", &new["spec"]["volumeMode"], "field is immutable"));
    }
    causes
}

/// A v1 claim spec as the internal `core.PersistentVolumeClaimSpec` marshals: fields
/// in declaration order under their Go names, nested API types with their JSON names.
fn internal_pvc_spec(spec: &Value) -> String {
    let indent = |v: &Value, depth: usize| kubeniwa_format::json::to_string_indent(v, " ").replace('\n', &format!("\n{}", " ".repeat(depth)));
    let opt = |v: &Value| if v.is_null() { Value::Null } else { v.clone() };
    let quantities = |v: &Value| match v.as_object() {
        Some(m) => Value::Object(m.iter().map(|(k, q)| (k.clone(), json!(q.as_str().and_then(crate::quantity::canonical).unwrap_or_else(|| q.as_str().unwrap_or("0").to_string())))).collect()),
        None => Value::Null,
    };
    let reference = |r: &Value, namespaced: bool| -> String {
        if r.is_null() {
            return "null".into();
        }
        let mut fields = vec![("APIGroup", opt(&r["apiGroup"])), ("Kind", json!(r["kind"].as_str().unwrap_or(""))), ("Name", json!(r["name"].as_str().unwrap_or("")))];
        if namespaced {
            fields.push(("Namespace", opt(&r["namespace"])));
        }
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("  \"{k}\": {}", indent(v, 2))).collect();
        format!("{{\n{}\n }}", body.join(",\n"))
    };
    let access = match spec["accessModes"].as_array() {
        Some(a) => Value::Array(a.clone()),
        None => Value::Null,
    };
    let resources = format!(
        "{{\n  \"Limits\": {},\n  \"Requests\": {}\n }}",
        indent(&quantities(&spec["resources"]["limits"]), 2),
        indent(&quantities(&spec["resources"]["requests"]), 2)
    );
    let fields = [
        ("AccessModes", indent(&access, 1)),
        ("Selector", indent(&opt(&spec["selector"]), 1)),
        ("Resources", resources),
        ("VolumeName", indent(&json!(spec["volumeName"].as_str().unwrap_or("")), 1)),
        ("StorageClassName", indent(&opt(&spec["storageClassName"]), 1)),
        ("VolumeMode", indent(&opt(&spec["volumeMode"]), 1)),
        ("DataSource", reference(&spec["dataSource"], false)),
        ("DataSourceRef", reference(&spec["dataSourceRef"], true)),
        ("VolumeAttributesClassName", indent(&opt(&spec["volumeAttributesClassName"]), 1)),
    ];
    let body: Vec<String> = fields.iter().map(|(k, v)| format!(" \"{k}\": {v}")).collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// Standard base64 with padding (Secret data).
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn statefulset_claim_quantities_compare_by_value() {
        let set = |storage: serde_json::Value| {
            serde_json::json!({"spec": {"serviceName": "web", "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}}]}})
        };
        let one_gi = super::statefulset_fixed_spec(&set(serde_json::json!("1Gi")));
        assert_eq!(one_gi, super::statefulset_fixed_spec(&set(serde_json::json!("1024Mi"))));
        assert_eq!(one_gi, super::statefulset_fixed_spec(&set(serde_json::json!(1073741824))));
        assert_ne!(one_gi, super::statefulset_fixed_spec(&set(serde_json::json!("2Gi"))));
    }
}
