//! `authorization.k8s.io/v1`: SelfSubjectAccessReview and SelfSubjectRulesReview, as
//! the RBAC authorizer answers them. The requesting user is kind's admin
//! (`kubernetes-admin` in `kubeadm:cluster-admins`, bound to `cluster-admin`), or
//! whom the request impersonates (`Impersonate-User` / `Impersonate-Group`, what
//! `kubectl --as` sends). Rules come from the stored Roles, ClusterRoles and their
//! bindings only: the bootstrap policy, kubeadm's and kind's objects are stored
//! objects like any other (`data/rbac.yaml`, created by `bootstrap.rs`).
//! `aggregate_cluster_roles` is the clusterrole-aggregation controller.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request, Response};
use crate::cluster::{Cluster, ObjKey};
use crate::selectors::LabelSelector;

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// kind's kubeconfig user (the kubeadm admin certificate).
    pub fn kind_admin() -> UserInfo {
        UserInfo { name: "kubernetes-admin".into(), groups: vec!["kubeadm:cluster-admins".into(), "system:authenticated".into()] }
    }

    /// The user a request acts as: its impersonation headers, or kind's admin. An
    /// impersonated service account gets its groups as the authenticator gives them.
    pub fn of(req: &Request) -> UserInfo {
        let Some(name) = req.impersonate_user.clone() else {
            return UserInfo::kind_admin();
        };
        let mut groups = req.impersonate_groups.clone();
        if let Some(rest) = name.strip_prefix("system:serviceaccount:") {
            if let Some((ns, _)) = rest.split_once(':') {
                if groups.is_empty() {
                    groups = vec!["system:serviceaccounts".into(), format!("system:serviceaccounts:{ns}")];
                }
            }
        }
        if !groups.iter().any(|g| g == "system:authenticated") && name != "system:anonymous" {
            groups.push("system:authenticated".into());
        }
        UserInfo { name, groups }
    }
}

/// What is asked: a resource attribute set or a non-resource path.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    pub verb: String,
    pub namespace: String,
    pub group: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// Set for a non-resource request (`/healthz`).
    pub path: Option<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect()
}

fn subject_matches(subject: &Value, user: &UserInfo, binding_ns: &str) -> bool {
    let name = subject["name"].as_str().unwrap_or("");
    match subject["kind"].as_str().unwrap_or("") {
        "User" => user.name == name,
        "Group" => user.groups.iter().any(|g| g == name),
        "ServiceAccount" => {
            let ns = subject["namespace"].as_str().filter(|n| !n.is_empty()).unwrap_or(binding_ns);
            user.name == format!("system:serviceaccount:{ns}:{name}")
        }
        _ => false,
    }
}

/// One rule against the attributes (`RuleAllows`).
fn rule_allows(rule: &Value, a: &Attributes) -> bool {
    let verbs = strings(&rule["verbs"]);
    if !verbs.iter().any(|v| v == "*" || *v == a.verb) {
        return false;
    }
    if let Some(path) = &a.path {
        return strings(&rule["nonResourceURLs"]).iter().any(|u| u == "*" || u == path || u.strip_suffix('*').is_some_and(|p| path.starts_with(p)));
    }
    let groups = strings(&rule["apiGroups"]);
    if !groups.iter().any(|g| g == "*" || *g == a.group) {
        return false;
    }
    let combined = if a.subresource.is_empty() { a.resource.clone() } else { format!("{}/{}", a.resource, a.subresource) };
    let resources = strings(&rule["resources"]);
    let resource_ok = resources.iter().any(|r| {
        r == "*" || *r == combined || (!a.subresource.is_empty() && *r == format!("*/{}", a.subresource))
    });
    if !resource_ok {
        return false;
    }
    let names = strings(&rule["resourceNames"]);
    names.is_empty() || names.iter().any(|n| *n == a.name)
}

/// Every (role rules, how it was granted) that applies to the user in `namespace`.
fn applicable_rules(cluster: &Cluster, user: &UserInfo, namespace: &str) -> Vec<(Vec<Value>, String)> {
    let mut out = Vec::new();
    let cluster_role = |name: &str| -> Option<Value> {
        cluster.get(&ObjKey { resource: "clusterroles.rbac.authorization.k8s.io".into(), namespace: Default::default(), name: name.into() }).cloned()
    };
    let subject_text = |s: &Value, ns: &str| -> String {
        match s["kind"].as_str().unwrap_or("") {
            "ServiceAccount" => format!("ServiceAccount \"{}/{}\"", s["namespace"].as_str().filter(|n| !n.is_empty()).unwrap_or(ns), s["name"].as_str().unwrap_or("")),
            k => format!("{k} \"{}\"", s["name"].as_str().unwrap_or("")),
        }
    };
    for b in cluster.list("clusterrolebindings.rbac.authorization.k8s.io", None) {
        for s in b["subjects"].as_array().into_iter().flatten() {
            if subject_matches(s, user, "") {
                let role = b["roleRef"]["name"].as_str().unwrap_or("");
                if let Some(r) = cluster_role(role) {
                    let why = format!("ClusterRoleBinding \"{}\" of ClusterRole \"{role}\" to {}", b["metadata"]["name"].as_str().unwrap_or(""), subject_text(s, ""));
                    out.push((r["rules"].as_array().cloned().unwrap_or_default(), why));
                }
                break;
            }
        }
    }
    if namespace.is_empty() {
        return out;
    }
    for b in cluster.list("rolebindings.rbac.authorization.k8s.io", Some(namespace)) {
        for s in b["subjects"].as_array().into_iter().flatten() {
            if subject_matches(s, user, namespace) {
                let role_name = b["roleRef"]["name"].as_str().unwrap_or("");
                let role = if b["roleRef"]["kind"] == "ClusterRole" {
                    cluster_role(role_name)
                } else {
                    cluster.get(&ObjKey { resource: "roles.rbac.authorization.k8s.io".into(), namespace: namespace.into(), name: role_name.into() }).cloned()
                };
                if let Some(r) = role {
                    let why = format!(
                        "RoleBinding \"{}/{namespace}\" of {} \"{role_name}\" to {}",
                        b["metadata"]["name"].as_str().unwrap_or(""),
                        b["roleRef"]["kind"].as_str().unwrap_or(""),
                        subject_text(s, namespace)
                    );
                    out.push((r["rules"].as_array().cloned().unwrap_or_default(), why));
                }
                break;
            }
        }
    }
    out
}

/// The RBAC decision and its reason.
pub fn authorize(cluster: &Cluster, user: &UserInfo, a: &Attributes) -> (bool, String) {
    for (rules, why) in applicable_rules(cluster, user, &a.namespace) {
        if rules.iter().any(|r| rule_allows(r, a)) {
            return (true, format!("RBAC: allowed by {why}"));
        }
    }
    (false, String::new())
}

fn review_body(req: &Request, kind: &str) -> ApiResult<Value> {
    let body = req.body.clone().filter(Value::is_object).ok_or_else(|| {
        ApiError::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf")
    })?;
    if body["kind"].as_str().is_some_and(|k| k != kind) {
        return Err(ApiError::bad_request(format!("the kind in the data ({}) does not match the expected kind ({kind})", body["kind"].as_str().unwrap_or(""))));
    }
    Ok(body)
}

/// `POST /apis/authentication.k8s.io/v1/selfsubjectreviews` (`kubectl auth whoami`):
/// who the request is authenticated as.
pub fn self_subject_review(req: &Request) -> ApiResult<Response> {
    let mut body = review_body(req, "SelfSubjectReview")?;
    let user = UserInfo::of(req);
    body["apiVersion"] = json!("authentication.k8s.io/v1");
    body["kind"] = json!("SelfSubjectReview");
    // The typed object re-encoded: a zero creationTimestamp is left out.
    match body["metadata"].as_object_mut() {
        Some(m) => {
            if m.get("creationTimestamp").is_some_and(Value::is_null) {
                m.remove("creationTimestamp");
            }
        }
        None => body["metadata"] = json!({}),
    }
    body["status"] = json!({"userInfo": {"username": user.name, "groups": user.groups}});
    Ok(Response::created(body))
}

/// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`.
pub fn self_subject_access_review(cluster: &Cluster, req: &Request) -> ApiResult<Response> {
    let mut body = review_body(req, "SelfSubjectAccessReview")?;
    let spec = body["spec"].clone();
    let user = UserInfo::of(req);
    let attrs = if let Some(r) = spec.get("resourceAttributes").filter(|r| r.is_object()) {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        Attributes { verb: s("verb"), namespace: s("namespace"), group: s("group"), resource: s("resource"), subresource: s("subresource"), name: s("name"), path: None }
    } else if let Some(n) = spec.get("nonResourceAttributes").filter(|r| r.is_object()) {
        Attributes { verb: n["verb"].as_str().unwrap_or("").into(), path: Some(n["path"].as_str().unwrap_or("").into()), ..Default::default() }
    } else {
        let cause = crate::api::Cause {
            reason: "FieldValueRequired",
            field: "spec.resourceAttributes".into(),
            message: "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
        };
        return Err(ApiError::invalid("authorization.k8s.io", "SelfSubjectAccessReview", "", vec![cause]));
    };
    let (allowed, reason) = authorize(cluster, &user, &attrs);
    let mut status = json!({"allowed": allowed});
    if !reason.is_empty() {
        status["reason"] = json!(reason);
    }
    body["status"] = status;
    body["apiVersion"] = json!("authorization.k8s.io/v1");
    body["kind"] = json!("SelfSubjectAccessReview");
    if body["metadata"].is_null() {
        body["metadata"] = json!({});
    }
    Ok(Response::created(body))
}

/// `POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews`: every rule that
/// applies to the user in the namespace.
pub fn self_subject_rules_review(cluster: &Cluster, req: &Request) -> ApiResult<Response> {
    let mut body = review_body(req, "SelfSubjectRulesReview")?;
    let namespace = body["spec"]["namespace"].as_str().unwrap_or("").to_string();
    let user = UserInfo::of(req);
    let mut resource_rules = Vec::new();
    let mut non_resource_rules = Vec::new();
    for (rules, _) in applicable_rules(cluster, &user, &namespace) {
        for r in rules {
            if r.get("nonResourceURLs").is_some_and(|u| u.as_array().is_some_and(|a| !a.is_empty())) {
                non_resource_rules.push(json!({"verbs": r["verbs"], "nonResourceURLs": r["nonResourceURLs"]}));
            } else {
                let mut rule = json!({"verbs": r["verbs"], "apiGroups": r["apiGroups"], "resources": r["resources"]});
                if r.get("resourceNames").is_some_and(|n| n.as_array().is_some_and(|a| !a.is_empty())) {
                    rule["resourceNames"] = r["resourceNames"].clone();
                }
                resource_rules.push(rule);
            }
        }
    }
    body["status"] = json!({"resourceRules": resource_rules, "nonResourceRules": non_resource_rules, "incomplete": false});
    body["apiVersion"] = json!("authorization.k8s.io/v1");
    body["kind"] = json!("SelfSubjectRulesReview");
    if body["metadata"].is_null() {
        body["metadata"] = json!({});
    }
    Ok(Response::created(body))
}

/// The clusterrole-aggregation controller (`pkg/controller/clusterroleaggregation`):
/// a ClusterRole with an `aggregationRule` gets the rules of every ClusterRole its
/// selectors match, in name order, each rule once.
pub fn aggregate_cluster_roles(c: &mut Cluster) {
    const RES: &str = "clusterroles.rbac.authorization.k8s.io";
    // An aggregated role can select another (admin selects edit, edit selects view):
    // passes repeat until nothing changes, as the controller's requeues do.
    for _ in 0..8 {
        let mut changed = false;
        for key in c.list_keys(RES) {
            let Some(role) = c.get(&key) else { continue };
            let Some(selectors) = role["aggregationRule"]["clusterRoleSelectors"].as_array() else { continue };
            let selectors: Vec<LabelSelector> = selectors.iter().map(LabelSelector::from_object).collect();
            let mut rules: Vec<Value> = Vec::new();
            for other in c.list(RES, None) {
                if other["metadata"]["name"] == role["metadata"]["name"] {
                    continue;
                }
                if !selectors.iter().any(|s| s.matches(other["metadata"].get("labels"))) {
                    continue;
                }
                for r in other["rules"].as_array().into_iter().flatten() {
                    if !rules.contains(r) {
                        rules.push(r.clone());
                    }
                }
            }
            let rules = Value::Array(rules);
            if role["rules"] != rules {
                changed |= c.modify(&key, |r| r["rules"] = rules.clone());
            }
        }
        if !changed {
            return;
        }
    }
}
