//! A pod's life in a fresh kind cluster, through the API server.

use kubeniwa_core::bootstrap::{create_kind_cluster, CREATE_DURATION_MS};
use kubeniwa_core::time::EPOCH_START;
use kubeniwa_core::{ClusterConfig, Method, Request};
use serde_json::json;

fn pod(name: &str, image: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
           "spec": {"containers": [{"name": "main", "image": image, "ports": [{"containerPort": 8080}]}]}})
}

fn status_of(c: &mut kubeniwa_core::Cluster, name: &str) -> String {
    let r = c.handle(&Request::get(format!("/api/v1/namespaces/default/pods/{name}")).accept("application/json;as=Table;v=v1;g=meta.k8s.io"));
    r.body["rows"][0]["cells"][2].as_str().unwrap_or("?").to_string()
}

#[test]
fn pod_goes_pending_creating_running() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    assert_eq!(c.now(), EPOCH_START + CREATE_DURATION_MS);
    let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("myapp", "blux2/hello-server:1.0")));
    assert_eq!(r.code, 201, "{}", r.body);
    assert_eq!(status_of(&mut c, "myapp"), "ContainerCreating");
    let t = c.now();
    c.advance_to(t + 30_000);
    assert_eq!(status_of(&mut c, "myapp"), "Running");
    let p = c.handle(&Request::get("/api/v1/namespaces/default/pods/myapp")).body;
    assert_eq!(p["status"]["podIP"], "10.244.0.5");
    assert_eq!(p["spec"]["nodeName"], "kind-control-plane");
    // Same name twice.
    let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("myapp", "nginx:1.25.3")));
    assert_eq!(r.code, 409);
    assert_eq!(r.body["message"], "pods \"myapp\" already exists");
}

#[test]
fn missing_image_backs_off() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("bad", "blux2/hello-server:1.1")));
    let t = c.now();
    c.advance_to(t + 3_500);
    assert_eq!(status_of(&mut c, "bad"), "ErrImagePull");
    c.advance_to(t + 12_000);
    assert_eq!(status_of(&mut c, "bad"), "ImagePullBackOff");
}

#[test]
fn exiting_container_crash_loops() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("bb", "busybox:1.36.1")));
    let t = c.now();
    c.advance_to(t + 60_000);
    let s = status_of(&mut c, "bb");
    assert!(s == "CrashLoopBackOff" || s == "Completed", "{s}");
    let p = c.handle(&Request::get("/api/v1/namespaces/default/pods/bb")).body;
    assert!(p["status"]["containerStatuses"][0]["restartCount"].as_i64().unwrap() >= 2, "{}", p["status"]);
}

#[test]
fn deletion_is_graceful_then_gone() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("web", "nginx:1.25.3")));
    let t = c.now();
    c.advance_to(t + 20_000);
    let r = c.handle(&Request::new(Method::Delete, "/api/v1/namespaces/default/pods/web"));
    assert_eq!(r.code, 200);
    assert_eq!(status_of(&mut c, "web"), "Terminating");
    let t = c.now();
    c.advance_to(t + 2_000);
    let r = c.handle(&Request::get("/api/v1/namespaces/default/pods/web"));
    assert_eq!(r.code, 404);
    assert_eq!(r.body["message"], "pods \"web\" not found");
}

#[test]
fn invalid_pod_is_refused_with_the_servers_words() {
    let mut c = create_kind_cluster(ClusterConfig::kind_default("kind"), 1, EPOCH_START);
    let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod("My_App", "nginx")));
    assert_eq!(r.code, 422);
    expect_test::expect![[r#"Pod "My_App" is invalid: metadata.name: Invalid value: "My_App": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#]]
        .assert_eq(r.body["message"].as_str().unwrap());
    let before = c.resource_version();
    let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/nope/pods").body(pod("x", "nginx")));
    assert_eq!(r.body["message"], "namespaces \"nope\" not found");
    assert_eq!(c.resource_version(), before);
}
