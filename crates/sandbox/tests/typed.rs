//! Everything the API server stores is a valid object of the real API types: each
//! transcript is replayed and every object its clusters hold afterwards must
//! deserialize into the `k8s-openapi` (v1.35) type of its kind. The server's own
//! decode (`kubeniwa_core::decode`, from a field table generated from the v1.35 JSON
//! schemas) and its defaulting and controllers are checked against the types here.

use std::path::PathBuf;

use k8s_openapi::api;
use serde_json::Value;

/// Deserializes `obj` into the k8s-openapi type of `kind`; `None` for kinds without
/// one here.
fn check(kind: &str, obj: Value) -> Option<Result<(), String>> {
    macro_rules! typed {
        ($($kind:literal => $ty:ty),* $(,)?) => {
            match kind {
                $($kind => Some(serde_json::from_value::<$ty>(obj).map(|_| ()).map_err(|e| e.to_string())),)*
                _ => None,
            }
        };
    }
    typed! {
        "Namespace" => api::core::v1::Namespace,
        "Node" => api::core::v1::Node,
        "Pod" => api::core::v1::Pod,
        "Service" => api::core::v1::Service,
        "Endpoints" => api::core::v1::Endpoints,
        "ConfigMap" => api::core::v1::ConfigMap,
        "Secret" => api::core::v1::Secret,
        "ServiceAccount" => api::core::v1::ServiceAccount,
        "Event" => api::core::v1::Event,
        "ResourceQuota" => api::core::v1::ResourceQuota,
        "LimitRange" => api::core::v1::LimitRange,
        "PersistentVolume" => api::core::v1::PersistentVolume,
        "PersistentVolumeClaim" => api::core::v1::PersistentVolumeClaim,
        "EndpointSlice" => api::discovery::v1::EndpointSlice,
        "ReplicaSet" => api::apps::v1::ReplicaSet,
        "Deployment" => api::apps::v1::Deployment,
        "DaemonSet" => api::apps::v1::DaemonSet,
        "StatefulSet" => api::apps::v1::StatefulSet,
        "ControllerRevision" => api::apps::v1::ControllerRevision,
        "Job" => api::batch::v1::Job,
        "CronJob" => api::batch::v1::CronJob,
        "HorizontalPodAutoscaler" => api::autoscaling::v2::HorizontalPodAutoscaler,
        "PodDisruptionBudget" => api::policy::v1::PodDisruptionBudget,
        "Lease" => api::coordination::v1::Lease,
        "StorageClass" => api::storage::v1::StorageClass,
        "Ingress" => api::networking::v1::Ingress,
        "IngressClass" => api::networking::v1::IngressClass,
        "NetworkPolicy" => api::networking::v1::NetworkPolicy,
        "Role" => api::rbac::v1::Role,
        "RoleBinding" => api::rbac::v1::RoleBinding,
        "ClusterRole" => api::rbac::v1::ClusterRole,
        "ClusterRoleBinding" => api::rbac::v1::ClusterRoleBinding,
        "PriorityClass" => api::scheduling::v1::PriorityClass,
        "APIService" => k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService,
    }
}

#[test]
fn every_stored_object_is_a_valid_typed_object() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/transcripts").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
    files.sort();
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in &files {
        let script = std::fs::read_to_string(file).expect("readable transcript");
        let (_, sandbox) = kubeniwa_sandbox::transcript::run_keeping(1, &script);
        let world = sandbox.world();
        for name in world.cluster_names().map(String::from).collect::<Vec<_>>() {
            let Some(cluster) = world.cluster(&name) else { continue };
            for (key, obj) in cluster.objects() {
                let Some(rt) = kubeniwa_core::resources::RESOURCES.iter().find(|r| r.group_resource() == key.resource) else { continue };
                let mut obj = obj.clone();
                obj["apiVersion"] = Value::from(rt.api_version());
                obj["kind"] = Value::from(rt.kind);
                match check(rt.kind, obj) {
                    Some(Ok(())) => checked += 1,
                    Some(Err(e)) => problems.push(format!("{}: {}/{}/{}: {e}", file.file_name().unwrap_or_default().to_string_lossy(), key.resource, key.namespace, key.name)),
                    None => {}
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} objects checked");
    assert!(problems.is_empty(), "{} stored objects are not valid API objects:\n{}", problems.len(), problems.join("\n"));
}
