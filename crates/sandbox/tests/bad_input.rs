//! Bad input gets the real tools' errors and leaves the world unchanged.

use kubeniwa_sandbox::Sandbox;

fn sandbox_with_cluster() -> Sandbox {
    let mut s = Sandbox::new(1);
    assert_eq!(s.run_line("kind create cluster").status, 0);
    s
}

#[test]
fn unknown_command_is_127() {
    let mut s = Sandbox::new(1);
    let out = s.run_line("foo");
    assert_eq!(out.text, "bash: foo: command not found\n");
    assert_eq!(out.status, 127);
}

#[test]
fn yaml_error_names_the_line_and_creates_nothing() {
    let mut s = sandbox_with_cluster();
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25.3\n   ports: 80\n").unwrap();
    let out = s.run_line("kubectl apply -f pod.yaml");
    assert_eq!(out.status, 1);
    assert!(out.text.starts_with("error: error parsing pod.yaml: error converting YAML to JSON: yaml: line "), "{}", out.text);
    assert_eq!(s.run_line("kubectl get pods").text, "No resources found in default namespace.\n");
}

#[test]
fn wrong_value_type_is_refused_by_the_server() {
    let mut s = sandbox_with_cluster();
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25.3\n    env:\n    - name: DEBUG\n      value: yes\n").unwrap();
    let out = s.run_line("kubectl apply -f pod.yaml");
    assert_eq!(out.status, 1);
    assert!(out.text.starts_with("Error from server (BadRequest): error when creating \"pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: "), "{}", out.text);
    assert_eq!(s.run_line("kubectl get pods").text, "No resources found in default namespace.\n");
}

#[test]
fn invalid_name_is_refused_with_the_validation_message() {
    let mut s = sandbox_with_cluster();
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: My_App\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25.3\n").unwrap();
    let out = s.run_line("kubectl apply -f pod.yaml");
    assert_eq!(out.status, 1);
    assert!(out.text.starts_with("The Pod \"My_App\" is invalid: metadata.name: Invalid value: \"My_App\": a lowercase RFC 1123 subdomain"), "{}", out.text);
}

#[test]
fn unknown_kind_is_a_mapping_error() {
    let mut s = sandbox_with_cluster();
    s.write_file("x.yaml", "apiVersion: v1\nkind: Podd\nmetadata:\n  name: x\n").unwrap();
    let out = s.run_line("kubectl apply -f x.yaml");
    assert_eq!(
        out.text,
        "error: resource mapping not found for name: \"x\" namespace: \"\" from \"x.yaml\": no matches for kind \"Podd\" in version \"v1\"\nensure CRDs are installed first\n"
    );
}

#[test]
fn apply_then_reapply_is_unchanged_and_delete_waits() {
    let mut s = sandbox_with_cluster();
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp\n  labels:\n    app: myapp\nspec:\n  containers:\n  - name: hello-server\n    image: blux2/hello-server:1.0\n").unwrap();
    assert_eq!(s.run_line("kubectl apply -f pod.yaml").text, "pod/myapp created\n");
    s.advance(30_000);
    assert_eq!(s.run_line("kubectl apply -f pod.yaml").text, "pod/myapp unchanged\n");
    s.write_file("pod.yaml", &s.read_file("pod.yaml").unwrap().replace("hello-server:1.0", "hello-server:1.2")).unwrap();
    assert_eq!(s.run_line("kubectl apply -f pod.yaml").text, "pod/myapp configured\n");
    assert_eq!(s.run_line("kubectl delete pod myapp").text, "pod \"myapp\" deleted from default namespace\n");
    assert_eq!(s.run_line("kubectl get pods").text, "No resources found in default namespace.\n");
}
