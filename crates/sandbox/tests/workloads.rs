//! Deployments driven from kubectl: create, scale, roll out, roll back, expose.

use kubeniwa_sandbox::Sandbox;

fn run(s: &mut Sandbox, line: &str) -> String {
    s.run_line(line).text
}

#[test]
fn deployment_lifecycle_from_kubectl() {
    let mut s = Sandbox::new(1);
    run(&mut s, "kind create cluster");
    assert_eq!(run(&mut s, "kubectl create deployment web --image=nginx:1.24.0 --replicas=3"), "deployment.apps/web created\n");
    let status = run(&mut s, "kubectl rollout status deployment/web");
    assert!(status.ends_with("deployment \"web\" successfully rolled out\n"), "{status}");
    assert!(status.starts_with("Waiting for deployment \"web\" rollout to finish: "), "{status}");
    assert_eq!(run(&mut s, "kubectl scale deployment web --replicas=5"), "deployment.apps/web scaled\n");
    s.advance(30_000);
    let table = run(&mut s, "kubectl get deploy web");
    assert!(table.lines().nth(1).unwrap().starts_with("web    5/5     5            5           "), "{table}");
    assert_eq!(run(&mut s, "kubectl set image deployment/web nginx=nginx:1.25.3"), "deployment.apps/web image updated\n");
    let status = run(&mut s, "kubectl rollout status deploy web");
    assert!(status.ends_with("deployment \"web\" successfully rolled out\n"), "{status}");
    assert_eq!(
        run(&mut s, "kubectl rollout history deployment/web"),
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(run(&mut s, "kubectl rollout undo deployment/web"), "deployment.apps/web rolled back\n");
    run(&mut s, "kubectl rollout status deployment/web");
    let image = run(&mut s, "kubectl get deploy web -o yaml");
    assert!(image.contains("image: nginx:1.24.0"), "{image}");
    assert_eq!(run(&mut s, "kubectl rollout restart deployment/web"), "deployment.apps/web restarted\n");
    assert_eq!(run(&mut s, "kubectl expose deployment web --port=80"), "service/web exposed\n");
    s.advance(60_000);
    let ep = run(&mut s, "kubectl get endpoints web");
    assert!(ep.contains(":80,"), "{ep}");
    assert_eq!(run(&mut s, "kubectl label deployment web tier=front"), "deployment.apps/web labeled\n");
    assert_eq!(run(&mut s, "kubectl delete deployment web"), "deployment.apps \"web\" deleted from default namespace\n");
    s.advance(60_000);
    assert_eq!(run(&mut s, "kubectl get pods"), "No resources found in default namespace.\n");
}

#[test]
fn generators_create_namespaces_and_config() {
    let mut s = Sandbox::new(1);
    run(&mut s, "kind create cluster");
    assert_eq!(run(&mut s, "kubectl create namespace dev"), "namespace/dev created\n");
    assert_eq!(run(&mut s, "kubectl create configmap app --from-literal=mode=debug -n dev"), "configmap/app created\n");
    assert_eq!(run(&mut s, "kubectl create secret generic pw --from-literal=password=s3cr3t -n dev"), "secret/pw created\n");
    let cm = run(&mut s, "kubectl get cm -n dev");
    assert!(cm.contains("app                1      0s") || cm.contains("app "), "{cm}");
    let secret = run(&mut s, "kubectl get secret pw -n dev -o yaml");
    assert!(secret.contains("password: czNjcjN0"), "{secret}");
    assert_eq!(run(&mut s, "kubectl get sa -n dev").lines().nth(1).unwrap().split_whitespace().next(), Some("default"));
}
