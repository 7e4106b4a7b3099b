//! The API server: routes HTTP-shaped requests to the store with Kubernetes' REST
//! semantics (discovery, get/list/create/update/patch/delete, dry-run, server-side
//! printing) and answers errors as `Status` objects.

use serde_json::{json, Map, Value};

use crate::api::{ApiError, ApiResult, Method, Request, Response};
use crate::cluster::{meta_mut, Cluster, ObjKey};
use crate::resources::{self, ResourceType, RESOURCES};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::time::rfc3339;
use crate::{admission, patch, printers, ssa};

/// The API server's body limit (`--max-request-bytes` default 3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// A request's target after routing.
#[derive(Debug)]
struct Target {
    rt: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

impl Cluster {
    /// Serves one request at the cluster's current instant. Never panics; every failure
    /// is a `Status`.
    pub fn handle(&mut self, req: &Request) -> Response {
        self.warnings.clear();
        let result = self.route(req);
        let mut response = match result {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
        response.warnings = std::mem::take(&mut self.warnings);
        if req.method != Method::Get {
            self.reconcile();
        }
        self.maybe_compact();
        response
    }

    fn route(&mut self, req: &Request) -> ApiResult<Response> {
        if let Some(body) = &req.body {
            if serde_json::to_vec(body).map(|b| b.len()).unwrap_or(0) > MAX_BODY_BYTES {
                return Err(ApiError::too_large());
            }
        }
        let path = req.path.trim_end_matches('/');
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(answer) = crate::metrics::handle(self, &segs, req) {
            return answer;
        }
        match segs.as_slice() {
            ["version"] => return Ok(Response::ok(self.version_info())),
            ["api"] => return Ok(Response::ok(api_versions())),
            ["apis"] => return Ok(Response::ok(api_groups())),
            ["api", v] => return resource_list("", v),
            ["apis", g, v] => return resource_list(g, v),
            ["openapi", "v3", ..] if req.method == Method::Get => {
                return crate::openapi::document(path).map(Response::ok).ok_or_else(not_found_path);
            }
            _ => {}
        }
        let target = parse_target(&segs).ok_or_else(|| not_found_path())?;
        // KEP-4974: every request for core/v1 Endpoints carries the deprecation warning.
        if target.rt.group.is_empty() && target.rt.plural == "endpoints" {
            self.warnings.push("v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice".into());
        }
        if target.rt.kind == "SelfSubjectReview" {
            return match (req.method, target.name.is_some()) {
                (Method::Post, false) => crate::authorization::self_subject_review(req),
                _ => Err(ApiError::method_not_allowed("the server does not allow this method on the requested resource")),
            };
        }
        if target.rt.group == "authorization.k8s.io" {
            return match (req.method, target.name.is_some(), target.rt.kind) {
                (Method::Post, false, "SelfSubjectAccessReview") => crate::authorization::self_subject_access_review(self, req),
                (Method::Post, false, "SelfSubjectRulesReview") => crate::authorization::self_subject_rules_review(self, req),
                _ => Err(ApiError::method_not_allowed("the server does not allow this method on the requested resource")),
            };
        }
        match (req.method, &target.name, target.subresource.as_deref()) {
            (Method::Get, None, None) if matches!(req.query_value("watch"), Some("true" | "1")) => self.watch_poll(req, target.rt, target.namespace.as_deref()),
            (Method::Get, None, None) => self.list_request(req, &target),
            (Method::Get, Some(name), None) => {
                let obj = self.get_object(&target, name)?;
                Ok(Response::ok(self.maybe_table(req, target.rt, vec![obj], false)))
            }
            (Method::Get, Some(name), Some("status")) => Ok(Response::ok(self.get_object(&target, name)?)),
            (Method::Get, Some(name), Some("log")) if target.rt.kind == "Pod" => self.pod_log(req, &target, name),
            (Method::Post, None, None) => self.create(req, &target),
            (Method::Post, Some(name), Some("binding")) if target.rt.kind == "Pod" => self.bind(req, &target, name),
            (Method::Post, Some(name), Some("eviction")) if target.rt.kind == "Pod" => self.evict(req, target.namespace.as_deref().unwrap_or(""), name),
            (Method::Get, Some(name), Some("scale")) if has_scale(target.rt) => Ok(Response::ok(scale_of(&self.get_object(&target, name)?))),
            (Method::Put | Method::Patch, Some(name), Some("scale")) if has_scale(target.rt) => self.update_scale(req, &target, name),
            (Method::Put | Method::Patch, Some(name), Some("ephemeralcontainers")) if target.rt.kind == "Pod" => {
                let key = ObjKey::new(target.rt, target.namespace.as_deref().unwrap_or(""), name);
                let body = req.body.clone().unwrap_or(Value::Null);
                let ct = req.content_type.clone().unwrap_or_else(|| "application/strategic-merge-patch+json".into());
                let stored = crate::ephemeral::update(self, &key, &body, &ct, req.method == Method::Put)?;
                Ok(Response::ok(with_type(target.rt, stored)))
            }
            (Method::Put, Some(name), None | Some("status")) => self.update(req, &target, name),
            (Method::Patch, Some(name), None | Some("status")) => self.patch(req, &target, name),
            (Method::Delete, Some(name), None) => self.delete(req, &target, name),
            (Method::Delete, None, None) => self.delete_collection(req, &target),
            _ => Err(ApiError::method_not_allowed(format!(
                "the server does not allow this method on the requested resource"
            ))),
        }
    }

    fn version_info(&self) -> Value {
        let v = self.config.kubernetes_version();
        let minor = v.trim_start_matches('v').split('.').nth(1).unwrap_or("35").to_string();
        json!({
            "major": "1",
            "minor": minor,
            "emulationMajor": "1",
            "emulationMinor": minor,
            "minCompatibilityMajor": "1",
            "minCompatibilityMinor": (minor.parse::<u32>().unwrap_or(35) - 1).to_string(),
            "gitVersion": v,
            "gitCommit": "66452049f3d692768c39c797b21b793dce80314e",
            "gitTreeState": "clean",
            "buildDate": "2025-12-17T12:32:06Z",
            "goVersion": "go1.25.5",
            "compiler": "gc",
            "platform": "linux/amd64",
        })
    }

    fn get_object(&self, t: &Target, name: &str) -> ApiResult<Value> {
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        self.objects
            .get(&key)
            .cloned()
            .map(|o| with_type(t.rt, o))
            .ok_or_else(|| ApiError::not_found(t.rt.group, t.rt.plural, name))
    }

    fn list_request(&self, req: &Request, t: &Target) -> ApiResult<Response> {
        let labels = match req.query_value("labelSelector") {
            Some(s) => LabelSelector::parse(s).map_err(ApiError::bad_request)?,
            None => LabelSelector::default(),
        };
        let fields = match req.query_value("fieldSelector") {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(ApiError::bad_request)?;
                f.check_supported(t.rt.kind).map_err(ApiError::bad_request)?;
                f
            }
            None => FieldSelector::default(),
        };
        let resource = t.rt.group_resource();
        let items: Vec<Value> = self
            .list(&resource, t.namespace.as_deref())
            .into_iter()
            .filter(|o| labels.matches(o["metadata"].get("labels")) && fields.matches(o))
            .map(|o| with_type(t.rt, o.clone()))
            .collect();
        Ok(Response::ok(self.maybe_table(req, t.rt, items, true)))
    }

    /// Server-side printing: a `meta.k8s.io/v1` Table when the client asks for one.
    fn maybe_table(&self, req: &Request, rt: &ResourceType, items: Vec<Value>, is_list: bool) -> Value {
        let wants_table = req.accept.as_deref().is_some_and(|a| a.contains("as=Table"));
        if wants_table {
            return printers::table(self, rt, &items, self.resource_version());
        }
        if !is_list {
            return items.into_iter().next().unwrap_or(Value::Null);
        }
        let items: Vec<Value> = items
            .into_iter()
            .map(|mut o| {
                if let Some(m) = o.as_object_mut() {
                    m.remove("apiVersion");
                    m.remove("kind");
                }
                o
            })
            .collect();
        json!({
            "kind": format!("{}List", rt.kind),
            "apiVersion": rt.api_version(),
            "metadata": { "resourceVersion": self.resource_version().to_string() },
            "items": items,
        })
    }

    /// `GET /pods/NAME/log`: the container's output as text.
    fn pod_log(&self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let pod = self.get_object(t, name)?;
        let names: Vec<&str> = pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
        let container = match req.query_value("container") {
            Some(c) => c.to_string(),
            None if names.len() == 1 => names[0].to_string(),
            None => {
                return Err(ApiError::bad_request(format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    names.join(" ")
                )))
            }
        };
        if !names.contains(&container.as_str()) {
            return Err(ApiError::bad_request(format!("container {container} is not valid for pod {name}")));
        }
        let previous = req.query_value("previous") == Some("true");
        let status = pod["status"]["containerStatuses"]
            .as_array()
            .and_then(|s| s.iter().find(|c| c["name"] == container.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        if previous && status["lastState"]["terminated"].is_null() {
            return Err(ApiError::bad_request(format!("previous terminated container \"{container}\" in pod \"{name}\" not found")));
        }
        if !previous {
            if let Some(reason) = status["state"]["waiting"]["reason"].as_str() {
                if status["lastState"]["terminated"].is_null() {
                    let why = match reason {
                        "ImagePullBackOff" | "ErrImagePull" => "trying and failing to pull image",
                        other => other,
                    };
                    return Err(ApiError::bad_request(format!("container \"{container}\" in pod \"{name}\" is waiting to start: {why}")));
                }
            }
            if status.is_null() {
                return Err(ApiError::bad_request(format!("container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating")));
            }
        }
        let mut lines = crate::kubelet::container_logs(self, &pod, &container, previous).unwrap_or_default();
        if let Some(n) = req.query_value("tailLines").and_then(|n| n.parse::<usize>().ok()) {
            let skip = lines.len().saturating_sub(n);
            lines.drain(..skip);
        }
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        Ok(Response::ok(Value::String(text)))
    }

    fn create(&mut self, req: &Request, t: &Target) -> ApiResult<Response> {
        self.create_managed(req, t, None)
    }

    /// A create; `managed` is the `managedFields` the server records (server-side apply).
    fn create_managed(&mut self, req: &Request, t: &Target, managed: Option<Value>) -> ApiResult<Response> {
        let mut obj = req.body.clone().ok_or_else(|| ApiError::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"))?;
        if !obj.is_object() {
            return Err(ApiError::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"));
        }
        check_type(t.rt, &obj)?;
        let ns = t.namespace.clone().unwrap_or_default();
        if t.rt.namespaced {
            match obj["metadata"]["namespace"].as_str() {
                Some(n) if n != ns => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ))
                }
                _ => {}
            }
            self.check_namespace_active(&ns)?;
            meta_mut(&mut obj).insert("namespace".into(), json!(ns));
        } else if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("namespace");
        }
        // generateName: the server appends five random characters.
        let has_name = obj["metadata"]["name"].as_str().is_some_and(|n| !n.is_empty());
        if !has_name {
            if let Some(prefix) = obj["metadata"]["generateName"].as_str().map(String::from) {
                let name = format!("{prefix}{}", self.rng.name_suffix(5));
                meta_mut(&mut obj).insert("name".into(), json!(name));
            }
        }
        // Fields the server owns are never taken from the client.
        {
            let m = meta_mut(&mut obj);
            for f in ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink"] {
                m.remove(f);
            }
        }
        let mode = crate::decode::FieldValidation::from_query(req.query_value("fieldValidation"));
        self.warnings = crate::decode::decode(t.rt, &mut obj, mode)?;
        if let Some(m) = managed {
            meta_mut(&mut obj).insert("managedFields".into(), m);
        }
        // The uid exists before defaulting: a Job's generated selector uses it.
        let uid = self.rng.uuid();
        meta_mut(&mut obj).insert("uid".into(), json!(uid));
        admission::default_object(self, t.rt, &mut obj);
        if t.rt.kind == "DaemonSet" {
            crate::daemonset::prepare_for_create(&mut obj);
        }
        admission::validate_create(t.rt, &obj)?;
        if t.rt.kind == "PriorityClass" {
            crate::priority::admit_class(self, &obj, true)?;
        }
        if t.rt.kind == "Pod" {
            crate::quota::admit_pod(self, &ns, &mut obj)?;
            obj["status"]["qosClass"] = json!(admission::qos_class(&obj["spec"]));
        }
        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
        let key = ObjKey::new(t.rt, &ns, &name);
        if self.objects.contains_key(&key) {
            return Err(ApiError::already_exists(t.rt.group, t.rt.plural, &name));
        }
        if has_generation(t.rt) {
            meta_mut(&mut obj).insert("generation".into(), json!(1));
        }
        if is_dry_run(req) {
            let m = meta_mut(&mut obj);
            m.insert("creationTimestamp".into(), json!(rfc3339(self.now)));
            return Ok(Response::created(with_type(t.rt, obj)));
        }
        let stored = self.insert(key, obj);
        Ok(Response::created(with_type(t.rt, stored)))
    }

    fn check_namespace_active(&self, ns: &str) -> ApiResult<()> {
        let key = ObjKey { resource: "namespaces".into(), namespace: Default::default(), name: ns.into() };
        match self.objects.get(&key) {
            None => Err(ApiError::not_found("", "namespaces", ns)),
            Some(n) if n["status"]["phase"] == "Terminating" => Err(ApiError::forbidden(format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            ))),
            Some(_) => Ok(()),
        }
    }

    fn update(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let obj = req.body.clone().filter(Value::is_object).ok_or_else(|| ApiError::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"))?;
        check_type(t.rt, &obj)?;
        if obj["metadata"]["name"].as_str() != Some(name) {
            return Err(ApiError::bad_request("the name of the object (".to_string() + obj["metadata"]["name"].as_str().unwrap_or("") + ") does not match the name on the URL (" + name + ")"));
        }
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        let current = self.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(t.rt.group, t.rt.plural, name))?;
        if let Some(rv) = obj["metadata"]["resourceVersion"].as_str() {
            if rv != current["metadata"]["resourceVersion"].as_str().unwrap_or("") {
                return Err(ApiError::conflict(
                    t.rt.group,
                    t.rt.plural,
                    name,
                    "the object has been modified; please apply your changes to the latest version and try again",
                ));
            }
        }
        let status_only = t.subresource.as_deref() == Some("status");
        self.store_update(req, t, key, current, obj, status_only)
    }

    fn patch(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        if req.content_type.as_deref() == Some("application/apply-patch+yaml") {
            return self.server_side_apply(req, t, name);
        }
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        let current = self.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(t.rt.group, t.rt.plural, name))?;
        let body = req.body.clone().ok_or_else(|| ApiError::bad_request("the body of the request was in an unknown format"))?;
        let mut next = with_type(t.rt, current.clone());
        match req.content_type.as_deref().unwrap_or("application/strategic-merge-patch+json") {
            "application/merge-patch+json" => patch::merge_patch(&mut next, &body),
            "application/strategic-merge-patch+json" => patch::strategic_merge_patch(&mut next, &body),
            "application/json-patch+json" => patch::json_patch(&mut next, &body).map_err(ApiError::bad_request)?,
            other => {
                return Err(ApiError {
                    code: 415,
                    reason: "UnsupportedMediaType",
                    message: format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"),
                    details: None,
                })
            }
        }
        let status_only = t.subresource.as_deref() == Some("status");
        self.store_update(req, t, key, current, next, status_only)
    }

    /// Server-side apply (see [`crate::ssa`]): creates the object when it does not
    /// exist, else merges the applied configuration for its field manager.
    fn server_side_apply(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let manager = req.query_value("fieldManager").unwrap_or("").to_string();
        if manager.is_empty() {
            let cause = crate::api::Cause { reason: "FieldValueRequired", field: "fieldManager".into(), message: "Required value: is required for apply patch".into() };
            return Err(ApiError::invalid("meta.k8s.io", "PatchOptions", "", vec![cause]));
        }
        let applied = match req.body.clone() {
            Some(v @ Value::Object(_)) => v,
            _ => return Err(ApiError::bad_request("error decoding YAML: the body of an apply patch must be an object")),
        };
        check_type(t.rt, &applied)?;
        let body_name = applied["metadata"]["name"].as_str().unwrap_or("");
        if body_name != name {
            return Err(ApiError::bad_request(format!("the name of the object ({body_name}) does not match the name on the URL ({name})")));
        }
        let api_version = t.rt.api_version();
        let time = rfc3339(self.now);
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        match self.objects.get(&key).cloned() {
            None => {
                let managed = ssa::created_managed_fields(&applied, &manager, &api_version, &time);
                let mut create = req.clone();
                create.method = Method::Post;
                create.content_type = Some("application/json".into());
                self.create_managed(&create, t, Some(managed))
            }
            Some(current) => {
                let next = ssa::apply(&with_type(t.rt, current.clone()), &applied, &manager, &api_version, &time);
                let status_only = t.subresource.as_deref() == Some("status");
                self.store_update(req, t, key, current, next, status_only)
            }
        }
    }

    /// The common tail of PUT and PATCH: keep server-owned fields, validate, bump
    /// generation on spec changes, store.
    fn store_update(&mut self, req: &Request, t: &Target, key: ObjKey, current: Value, mut next: Value, status_only: bool) -> ApiResult<Response> {
        {
            let cur_meta = current["metadata"].clone();
            let m = meta_mut(&mut next);
            // An update that leaves out managedFields keeps them.
            if !m.contains_key("managedFields") {
                if let Some(mf) = cur_meta.get("managedFields") {
                    m.insert("managedFields".into(), mf.clone());
                }
            }
            for f in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name"] {
                match cur_meta.get(f) {
                    Some(v) => {
                        m.insert(f.into(), v.clone());
                    }
                    None => {
                        m.remove(f);
                    }
                }
            }
        }
        if status_only {
            // Only status changes through /status.
            let status = next.get("status").cloned();
            next = current.clone();
            match status {
                Some(s) => next["status"] = s,
                None => {
                    if let Some(m) = next.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
        } else if let Some(s) = current.get("status") {
            // The main resource ignores status changes.
            next["status"] = s.clone();
        }
        let mode = crate::decode::FieldValidation::from_query(req.query_value("fieldValidation"));
        self.warnings = crate::decode::decode(t.rt, &mut next, mode)?;
        admission::default_object(self, t.rt, &mut next);
        if t.rt.kind == "DaemonSet" {
            crate::daemonset::prepare_for_update(&current, &mut next);
        }
        admission::validate_update(t.rt, &current, &next)?;
        if t.rt.kind == "PriorityClass" {
            crate::priority::admit_class(self, &next, false)?;
        }
        if t.rt.kind == "PersistentVolumeClaim" {
            crate::storage::admit_resize(self, &current, &next)?;
        }
        let spec_changed = strip_type(next.get("spec")) != strip_type(current.get("spec"));
        if spec_changed && has_generation(t.rt) {
            let g = current["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
            meta_mut(&mut next).insert("generation".into(), json!(g));
        }
        let unchanged = strip_rv(&with_type(t.rt, current.clone())) == strip_rv(&with_type(t.rt, next.clone()));
        if is_dry_run(req) || unchanged {
            let mut shown = if unchanged { current } else { next };
            if unchanged {
                shown = with_type(t.rt, shown);
            }
            return Ok(Response::ok(with_type(t.rt, shown)));
        }
        if let Some(m) = next.as_object_mut() {
            m.remove("apiVersion");
            m.remove("kind");
        }
        // The last finalizer of an object being deleted removed: it goes.
        if t.rt.kind != "Pod" && t.rt.kind != "Namespace" && !next["metadata"]["deletionTimestamp"].is_null() && next["metadata"]["finalizers"].as_array().is_none_or(Vec::is_empty) {
            self.remove(&key);
            return Ok(Response::ok(with_type(t.rt, next)));
        }
        let stored = self.replace(&key, with_type(t.rt, next));
        Ok(Response::ok(stored))
    }

    /// PUT or PATCH on `/scale` (what `kubectl scale` sends): the change to the
    /// `autoscaling/v1` Scale becomes a change of the workload's `spec.replicas`.
    fn update_scale(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        let current = self.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(t.rt.group, t.rt.plural, name))?;
        let mut scale = scale_of(&with_type(t.rt, current.clone()));
        let body = req.body.clone().ok_or_else(|| ApiError::bad_request("the body of the request was in an unknown format"))?;
        match (req.method, req.content_type.as_deref().unwrap_or("application/strategic-merge-patch+json")) {
            (Method::Put, _) => scale = body,
            (_, "application/merge-patch+json") => patch::merge_patch(&mut scale, &body),
            (_, "application/strategic-merge-patch+json") => patch::strategic_merge_patch(&mut scale, &body),
            (_, "application/json-patch+json") => patch::json_patch(&mut scale, &body).map_err(ApiError::bad_request)?,
            (_, other) => {
                return Err(ApiError {
                    code: 415,
                    reason: "UnsupportedMediaType",
                    message: format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"),
                    details: None,
                })
            }
        }
        let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        if replicas < 0 {
            let cause = crate::api::Cause { reason: "FieldValueInvalid", field: "spec.replicas".into(), message: format!("Invalid value: {replicas}: must be greater than or equal to 0") };
            return Err(ApiError::invalid("autoscaling", "Scale", name, vec![cause]));
        }
        let mut next = with_type(t.rt, current.clone());
        next["spec"]["replicas"] = json!(replicas);
        let updated = self.store_update(req, t, key, current, next, false)?;
        Ok(Response::ok(scale_of(&updated.body)))
    }

    fn bind(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let node = req.body.as_ref().and_then(|b| b["target"]["name"].as_str()).unwrap_or("").to_string();
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        let pod = self.objects.get(&key).ok_or_else(|| ApiError::not_found("", "pods", name))?;
        if pod["spec"]["nodeName"].as_str().is_some_and(|n| !n.is_empty()) {
            return Err(ApiError::conflict("", "pods", name, &format!("pod {name} is already assigned to node {:?}", pod["spec"]["nodeName"].as_str().unwrap_or(""))));
        }
        crate::scheduler::bind(self, &key, &node);
        Ok(Response::created(json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})))
    }

    fn delete(&mut self, req: &Request, t: &Target, name: &str) -> ApiResult<Response> {
        let key = ObjKey::new(t.rt, t.namespace.as_deref().unwrap_or(""), name);
        let current = self.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found(t.rt.group, t.rt.plural, name))?;
        let options = req.body.clone().unwrap_or(Value::Null);
        let grace = options["gracePeriodSeconds"]
            .as_i64()
            .or_else(|| req.query_value("gracePeriodSeconds").and_then(|g| g.parse().ok()));
        if is_dry_run(req) {
            return Ok(Response::ok(with_type(t.rt, current)));
        }
        match t.rt.kind {
            "Pod" => Ok(Response::ok(with_type(t.rt, crate::kubelet::delete_pod(self, &key, grace)))),
            "Namespace" => {
                // The NamespaceLifecycle admission plugin's immortal namespaces.
                if matches!(name, "default" | "kube-system" | "kube-public") {
                    return Err(ApiError::forbidden(format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted")));
                }
                let mut obj = current;
                if obj["status"]["phase"] != "Terminating" {
                    obj["status"]["phase"] = json!("Terminating");
                    meta_mut(&mut obj).insert("deletionTimestamp".into(), json!(rfc3339(self.now)));
                    obj = self.replace(&key, obj);
                }
                Ok(Response::ok(with_type(t.rt, obj)))
            }
            // An object with finalizers is only marked; it goes when they are removed.
            _ if current["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty()) => {
                let mut obj = current;
                if obj["metadata"]["deletionTimestamp"].is_null() {
                    meta_mut(&mut obj).insert("deletionTimestamp".into(), json!(rfc3339(self.now)));
                    meta_mut(&mut obj).insert("deletionGracePeriodSeconds".into(), json!(0));
                    obj = self.replace(&key, obj);
                }
                Ok(Response::ok(with_type(t.rt, obj)))
            }
            _ => {
                let obj = self.remove(&key).unwrap_or(current);
                Ok(Response::ok(with_type(t.rt, obj)))
            }
        }
    }

    fn delete_collection(&mut self, req: &Request, t: &Target) -> ApiResult<Response> {
        let labels = match req.query_value("labelSelector") {
            Some(s) => LabelSelector::parse(s).map_err(ApiError::bad_request)?,
            None => LabelSelector::default(),
        };
        let resource = t.rt.group_resource();
        let names: Vec<String> = self
            .list(&resource, t.namespace.as_deref())
            .into_iter()
            .filter(|o| labels.matches(o["metadata"].get("labels")))
            .filter_map(|o| o["metadata"]["name"].as_str().map(String::from))
            .collect();
        let mut deleted = Vec::new();
        for name in names {
            if let Ok(r) = self.delete(req, t, &name) {
                deleted.push(r.body);
            }
        }
        Ok(Response::ok(json!({"kind": format!("{}List", t.rt.kind), "apiVersion": t.rt.api_version(), "metadata": {}, "items": deleted})))
    }
}

/// Workloads with a `scale` subresource.
fn has_scale(rt: &ResourceType) -> bool {
    matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController")
}

/// The `autoscaling/v1` Scale of a workload.
fn scale_of(obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let mut m = Map::new();
    for f in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
        if let Some(v) = meta.get(f) {
            m.insert(f.into(), v.clone());
        }
    }
    // The selector as a string: matchLabels, or a ReplicationController's map.
    let labels = obj["spec"]["selector"].get("matchLabels").or_else(|| obj["spec"]["selector"].as_object().map(|_| &obj["spec"]["selector"]));
    let selector: Vec<String> = labels
        .and_then(Value::as_object)
        .map(|l| l.iter().filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}"))).collect())
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": m,
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector.join(",")},
    })
}

/// `dryRun=All` in the query, or (for DELETE) in the `DeleteOptions` body, where
/// client-go puts it.
fn is_dry_run(req: &Request) -> bool {
    req.query_value("dryRun") == Some("All")
        || (req.method == Method::Delete && req.body.as_ref().and_then(|b| b["dryRun"].as_array()).is_some_and(|d| d.iter().any(|v| v == "All")))
}

/// Kinds whose `metadata.generation` the server maintains.
fn has_generation(rt: &ResourceType) -> bool {
    // RBAC's and ResourceQuota's strategies never set it either.
    !matches!(
        rt.kind,
        "ConfigMap" | "Secret" | "Event" | "Endpoints" | "Namespace" | "Node" | "ServiceAccount" | "Service" | "Lease" | "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" | "ResourceQuota"
    )
}

/// Adds `apiVersion` and `kind`, as the server does when it encodes an object.
pub fn with_type(rt: &ResourceType, mut obj: Value) -> Value {
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(rt.api_version()));
        m.insert("kind".into(), json!(rt.kind));
    }
    obj
}

fn strip_type(v: Option<&Value>) -> Option<Value> {
    v.cloned()
}

fn strip_rv(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    v
}

/// `apiVersion` and `kind` in the body must name the resource of the URL.
fn check_type(rt: &ResourceType, obj: &Value) -> ApiResult<()> {
    let kind = obj["kind"].as_str().unwrap_or("");
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    if kind.is_empty() {
        return Err(ApiError::bad_request("Object 'Kind' is missing in '".to_string() + &compact(obj) + "'"));
    }
    if api_version != rt.api_version() {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({})",
            rt.api_version()
        )));
    }
    if kind != rt.kind {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            rt.kind
        )));
    }
    Ok(())
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn not_found_path() -> ApiError {
    ApiError { code: 404, reason: "NotFound", message: "the server could not find the requested resource".into(), details: None }
}

/// `/api/v1/namespaces/default/pods/myapp/status` → the pieces.
fn parse_target(segs: &[&str]) -> Option<Target> {
    let (group, version, rest) = match segs {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, r, rest @ ..] if resources::by_plural(group, version, r).is_some_and(|rt| rt.namespaced) => {
            (Some(ns.to_string()), {
                let mut v = vec![*r];
                v.extend_from_slice(rest);
                v
            })
        }
        _ => (None, rest.to_vec()),
    };
    let rt = resources::by_plural(group, version, rest.first()?)?;
    Some(Target {
        rt,
        namespace,
        name: rest.get(1).map(|s| s.to_string()),
        subresource: rest.get(2).map(|s| s.to_string()),
    })
}

fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "172.18.0.2:6443"}],
    })
}

fn api_groups() -> Value {
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        if !groups.iter().any(|(g, _)| *g == r.group) {
            groups.push((r.group, r.version));
        }
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(g, v)| {
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn resource_list(group: &str, version: &str) -> ApiResult<Response> {
    let list: Vec<Value> = RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            let mut m = Map::new();
            m.insert("name".into(), json!(r.plural));
            m.insert("singularName".into(), json!(r.singular));
            m.insert("namespaced".into(), json!(r.namespaced));
            m.insert("kind".into(), json!(r.kind));
            m.insert("verbs".into(), json!(r.verbs()));
            if !r.short_names.is_empty() {
                m.insert("shortNames".into(), json!(r.short_names));
            }
            if r.in_all {
                m.insert("categories".into(), json!(["all"]));
            }
            Value::Object(m)
        })
        .collect();
    if list.is_empty() {
        return Err(not_found_path());
    }
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    Ok(Response::ok(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list})))
}
