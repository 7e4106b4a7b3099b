//! The resource types the API server serves, as discovery describes them.

/// One served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// Member of the `all` category (`kubectl get all`).
    pub in_all: bool,
}

impl ResourceType {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods` or `deployments.apps`: how kubectl names the type in messages.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `pod` or `deployment.apps`: the prefix of `pod/myapp created`.
    pub fn kind_group(&self) -> String {
        let lower = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            lower
        } else {
            format!("{lower}.{}", self.group)
        }
    }

    /// The collection path, e.g. `/api/v1/namespaces/default/pods`.
    pub fn collection_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match (self.namespaced, namespace) {
            (true, Some(ns)) => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }

    pub fn object_path(&self, namespace: Option<&str>, name: &str) -> String {
        format!("{}/{name}", self.collection_path(namespace))
    }

    pub fn verbs(&self) -> &'static [&'static str] {
        match self.kind {
            "Binding" | "SelfSubjectAccessReview" | "SelfSubjectRulesReview" | "SelfSubjectReview" => &["create"],
            "ComponentStatus" => &["get", "list"],
            _ => &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
        }
    }
}

const fn rt(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    singular: &'static str,
    short_names: &'static [&'static str],
    namespaced: bool,
    in_all: bool,
) -> ResourceType {
    ResourceType { group, version, kind, plural, singular, short_names, namespaced, in_all }
}

/// Every served type, in the order `kubectl api-resources` lists them (by group, then name).
pub const RESOURCES: &[ResourceType] = &[
    rt("", "v1", "Binding", "bindings", "binding", &[], true, false),
    rt("", "v1", "ComponentStatus", "componentstatuses", "componentstatus", &["cs"], false, false),
    rt("", "v1", "ConfigMap", "configmaps", "configmap", &["cm"], true, false),
    rt("", "v1", "Endpoints", "endpoints", "endpoints", &["ep"], true, false),
    rt("", "v1", "Event", "events", "event", &["ev"], true, false),
    rt("", "v1", "LimitRange", "limitranges", "limitrange", &["limits"], true, false),
    rt("", "v1", "Namespace", "namespaces", "namespace", &["ns"], false, false),
    rt("", "v1", "Node", "nodes", "node", &["no"], false, false),
    rt("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", &["pvc"], true, false),
    rt("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", &["pv"], false, false),
    rt("", "v1", "Pod", "pods", "pod", &["po"], true, true),
    rt("", "v1", "PodTemplate", "podtemplates", "podtemplate", &[], true, false),
    rt("", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", &["rc"], true, true),
    rt("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", &["quota"], true, false),
    rt("", "v1", "Secret", "secrets", "secret", &[], true, false),
    rt("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", &["sa"], true, false),
    rt("", "v1", "Service", "services", "service", &["svc"], true, true),
    rt("apiregistration.k8s.io", "v1", "APIService", "apiservices", "apiservice", &[], false, false),
    rt("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", &[], true, false),
    rt("apps", "v1", "DaemonSet", "daemonsets", "daemonset", &["ds"], true, true),
    rt("apps", "v1", "Deployment", "deployments", "deployment", &["deploy"], true, true),
    rt("apps", "v1", "ReplicaSet", "replicasets", "replicaset", &["rs"], true, true),
    rt("apps", "v1", "StatefulSet", "statefulsets", "statefulset", &["sts"], true, true),
    rt("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", &["hpa"], true, true),
    rt("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview", &[], false, false),
    rt("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "selfsubjectaccessreview", &[], false, false),
    rt("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "selfsubjectrulesreview", &[], false, false),
    rt("batch", "v1", "CronJob", "cronjobs", "cronjob", &["cj"], true, true),
    rt("batch", "v1", "Job", "jobs", "job", &[], true, true),
    rt("coordination.k8s.io", "v1", "Lease", "leases", "lease", &[], true, false),
    rt("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", &[], true, false),
    rt("events.k8s.io", "v1", "Event", "events", "event", &["ev"], true, false),
    rt("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", &[], false, false),
    rt("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", &["ing"], true, false),
    rt("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", &["netpol"], true, false),
    rt("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", &["pdb"], true, false),
    rt("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", &[], false, false),
    rt("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", &[], false, false),
    rt("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", &[], true, false),
    rt("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", &[], true, false),
    rt("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", &["pc"], false, false),
    rt("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", &["sc"], false, false),
];

/// The type served at `group/version` under `plural`.
pub fn by_plural(group: &str, version: &str, plural: &str) -> Option<&'static ResourceType> {
    RESOURCES.iter().find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The type of an object with this `apiVersion` and `kind`.
pub fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceType> {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    RESOURCES.iter().find(|r| r.group == group && r.version == version && r.kind == kind)
}

/// Resolves what a user types (`po`, `pods`, `pod`, `Pod`, `deployments.apps`,
/// `deploy.apps`) the way kubectl's REST mapper does. The core group wins ties
/// (`events` → core events).
pub fn lookup(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCES.iter().filter(|r| r.kind != "Binding").find(|r| {
        let group_ok = match &group {
            Some(g) => r.group == g,
            None => true,
        };
        group_ok
            && (r.plural == base
                || r.singular == base
                || r.kind.eq_ignore_ascii_case(&base)
                || r.short_names.contains(&base.as_str()))
    })
}
