//! Deployments create ReplicaSets, which create pods; a template change rolls out.

use kubeniwa_core::bootstrap::create_kind_cluster;
use kubeniwa_core::time::EPOCH_START;
use kubeniwa_core::{ClusterConfig, Method, Request};
use serde_json::json;

fn deployment(image: &str, replicas: i64) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]}}}})
}

fn table(c: &mut kubeniwa_core::Cluster, path: &str) -> Vec<Vec<String>> {
    let r = c.handle(&Request::get(path).accept("application/json;as=Table;v=v1;g=meta.k8s.io"));
    r.body["rows"].as_array().unwrap().iter().map(|row| row["cells"].as_array().unwrap().iter().map(|c| c.as_str().map(String::from).unwrap_or(c.to_string())).collect()).collect()
}

#[test]
fn deployment_converges_and_rolls_out() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    // The bootstrap workloads are stable under the controllers.
    let before = table(&mut c, "/apis/apps/v1/namespaces/kube-system/replicasets");
    assert_eq!(before.len(), 1, "{before:?}");
    let r = c.handle(&Request::new(Method::Post, "/apis/apps/v1/namespaces/default/deployments").body(deployment("nginx:1.24.0", 3)));
    assert_eq!(r.code, 201, "{}", r.body);
    let t = c.now();
    c.advance_to(t + 30_000);
    let d = table(&mut c, "/apis/apps/v1/namespaces/default/deployments");
    assert_eq!(d[0][..4], ["web", "3/3", "3", "3"], "{d:?}");
    let pods = table(&mut c, "/api/v1/namespaces/default/pods");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| p[2] == "Running"), "{pods:?}");
    // Change the image: a second ReplicaSet takes over.
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25.3"}]}}}});
    let r = c.handle(&Request::new(Method::Patch, "/apis/apps/v1/namespaces/default/deployments/web").content_type("application/strategic-merge-patch+json").body(patch));
    assert_eq!(r.code, 200, "{}", r.body);
    let t = c.now();
    c.advance_to(t + 120_000);
    let rs = table(&mut c, "/apis/apps/v1/namespaces/default/replicasets");
    assert_eq!(rs.len(), 2, "{rs:?}");
    let desired: Vec<&str> = rs.iter().map(|r| r[1].as_str()).collect();
    assert!(desired.contains(&"3") && desired.contains(&"0"), "{rs:?}");
    let pods = table(&mut c, "/api/v1/namespaces/default/pods");
    assert_eq!(pods.len(), 3, "{pods:?}");
    let events = c.handle(&Request::get("/api/v1/namespaces/default/events").query("fieldSelector", "involvedObject.kind=Deployment"));
    let msgs: Vec<String> = events.body["items"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap().to_string()).collect();
    assert!(msgs.iter().any(|m| m.starts_with("Scaled up replica set web-") && m.ends_with(" from 0 to 3")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("from 1 to 0")), "{msgs:?}");
    // Deleting the deployment takes its ReplicaSets and pods with it.
    c.handle(&Request::new(Method::Delete, "/apis/apps/v1/namespaces/default/deployments/web"));
    let t = c.now();
    c.advance_to(t + 60_000);
    assert!(table(&mut c, "/apis/apps/v1/namespaces/default/replicasets").is_empty());
    assert!(table(&mut c, "/api/v1/namespaces/default/pods").is_empty());
}

#[test]
fn service_endpoints_follow_ready_pods() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    c.handle(&Request::new(Method::Post, "/apis/apps/v1/namespaces/default/deployments").body(deployment("nginx:1.25.3", 2)));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}});
    let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/services").body(svc));
    assert_eq!(r.code, 201, "{}", r.body);
    let t = c.now();
    c.advance_to(t + 30_000);
    let ep = table(&mut c, "/api/v1/namespaces/default/endpoints/web");
    assert_eq!(ep[0][1], "10.244.0.5:80,10.244.0.6:80", "{ep:?}");
}
