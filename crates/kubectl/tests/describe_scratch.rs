use kubeniwa_sandbox::Sandbox;

#[test]
fn dump() {
    let mut sb = Sandbox::new(1);
    sb.run_line("kind create cluster");
    sb.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp\n  labels:\n    app: myapp\nspec:\n  containers:\n  - name: hello-server\n    image: blux2/hello-server:1.1\n    ports:\n    - containerPort: 8080\n").unwrap();
    println!("{}", sb.run_line("kubectl apply -f pod.yaml").text);
    sb.advance(300_000);
    for c in ["kubectl get pod myapp -o json", "kubectl get events -o json", "kubectl get nodes -o json", "kubectl get deploy -n kube-system coredns -o json", "kubectl get rs -n kube-system -o json", "kubectl get leases -A", "kubectl get pods -A", "kubectl get pod -n kube-system -o json", "kubectl get svc,ep,endpointslices -A -o json", "kubectl get sa,cm,secret -A"] {
        println!("=== {c}\n{}", sb.run_line(c).text);
    }
}
