//! What a learner's likely wrong turns get from the checks: the check fails and says
//! what to do next, in words that match what happened.

use std::path::PathBuf;

use kubeniwa_lessons::{apply_solution, check, load_dir, run_setup, start_lesson, CheckResult, Lang, Lesson};
use kubeniwa_sandbox::Sandbox;

fn lesson(id: &str) -> Lesson {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let catalog = load_dir(&root).expect("read lessons/");
    catalog.lesson(id).unwrap_or_else(|| panic!("no lesson {id}")).clone()
}

/// A sandbox where the learner has done every step of `lesson` before `step_id` by its
/// solution, and `step_id`'s setup has run.
fn at_step(lesson: &Lesson, step_id: &str) -> Sandbox {
    let mut sandbox = Sandbox::new(7);
    start_lesson(&mut sandbox, lesson, Lang::En);
    for step in &lesson.steps {
        run_setup(&mut sandbox, step, Lang::En);
        if step.id == step_id {
            return sandbox;
        }
        apply_solution(&mut sandbox, step);
    }
    panic!("{} has no step {step_id}", lesson.id)
}

/// Runs the learner's lines, then checks `step_id` in English.
fn try_lines(lesson: &Lesson, sandbox: &mut Sandbox, step_id: &str, lines: &[&str]) -> CheckResult {
    for line in lines {
        sandbox.run_line(line);
    }
    let step = lesson.steps.iter().find(|s| s.id == step_id).unwrap();
    check(sandbox, step, Lang::En)
}

#[test]
fn deleting_the_default_cluster_instead_of_dev() {
    let lesson = lesson("01-kind-cluster");
    let mut sandbox = at_step(&lesson, "clean-up");
    let result = try_lines(&lesson, &mut sandbox, "clean-up", &["kind delete cluster"]);
    assert_eq!(result.message, "The dev cluster is still there. Delete it with kind delete cluster --name dev.");
    let result = try_lines(&lesson, &mut sandbox, "clean-up", &["kind delete cluster --name dev"]);
    assert_eq!(result.message, "The kind cluster is gone. Create it again with kind create cluster (the next lesson uses it).");
    let result = try_lines(&lesson, &mut sandbox, "clean-up", &["kind create cluster"]);
    assert!(result.passed, "{}", result.message);
}

#[test]
fn staying_in_the_dev_context() {
    let lesson = lesson("01-kind-cluster");
    let mut sandbox = at_step(&lesson, "contexts");
    let result = try_lines(&lesson, &mut sandbox, "contexts", &["kind create cluster --name dev"]);
    assert_eq!(result.message, "The current context is kind-dev. Switch back with kubectl config use-context kind-kind.");
}

#[test]
fn a_pod_made_with_kubectl_run_is_not_from_the_manifest() {
    let lesson = lesson("02-manifests-and-pods");
    let mut sandbox = at_step(&lesson, "apply");
    sandbox.write_file("myapp.yaml", "kind: Pod\n").unwrap();
    let result = try_lines(&lesson, &mut sandbox, "apply", &["kubectl run myapp --image=blux2/hello-server:1.0 --labels=app=myapp"]);
    assert_eq!(
        result.message,
        "myapp was not created with kubectl apply. Delete it with kubectl delete pod myapp and apply the manifest."
    );
}

#[test]
fn checking_before_the_pod_is_up() {
    let lesson = lesson("02-manifests-and-pods");
    let mut sandbox = at_step(&lesson, "apply");
    let manifest = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons/02-manifests-and-pods/myapp.yaml")).unwrap();
    sandbox.write_file("myapp.yaml", &manifest).unwrap();
    let result = try_lines(&lesson, &mut sandbox, "apply", &["kubectl apply -f myapp.yaml"]);
    assert_eq!(result.message, "myapp is not Running yet. Wait a few seconds, look with kubectl get pod, and check again.");
    sandbox.advance(10_000);
    let step = &lesson.steps[0];
    assert!(check(&mut sandbox, step, Lang::En).passed);
}

#[test]
fn fixing_the_image_without_recreating_the_pod() {
    let lesson = lesson("06-image-not-found");
    let mut sandbox = at_step(&lesson, "fix");
    let result = try_lines(
        &lesson,
        &mut sandbox,
        "fix",
        &["sed -i 's/hello-server:1.1/hello-server:1.0/' myapp.yaml", "kubectl apply -f myapp.yaml", "sleep 30"],
    );
    // The kubelet restarts the container with the new image, as a real one does.
    assert!(result.passed, "{}", result.message);
}

#[test]
fn fixing_the_pod_but_not_the_manifest() {
    let lesson = lesson("06-image-not-found");
    let mut sandbox = at_step(&lesson, "fix");
    let result = try_lines(
        &lesson,
        &mut sandbox,
        "fix",
        &["kubectl delete pod myapp", "kubectl run myapp --image=blux2/hello-server:1.0", "sleep 10"],
    );
    assert_eq!(
        result.message,
        "The pod is fixed, but myapp.yaml does not say 1.0 yet: the next apply would break it again."
    );
}

#[test]
fn describe_from_an_earlier_lesson_does_not_count() {
    let lesson = lesson("06-image-not-found");
    let mut sandbox = Sandbox::new(7);
    sandbox.run_line("kind create cluster");
    sandbox.run_line("kubectl get pods; kubectl describe pods");
    start_lesson(&mut sandbox, &lesson, Lang::En);
    let step = &lesson.steps[0];
    run_setup(&mut sandbox, step, Lang::En);
    assert_eq!(check(&mut sandbox, step, Lang::En).message, "Start by looking at the STATUS with kubectl get pod myapp.");
}

#[test]
fn recreating_the_deployment_is_not_a_rolling_update() {
    let lesson = lesson("07-replicaset-and-deployment");
    let mut sandbox = at_step(&lesson, "rolling-update");
    let result = try_lines(
        &lesson,
        &mut sandbox,
        "rolling-update",
        &[
            "kubectl delete deployment nginx-deployment",
            "sed -i 's/nginx:1.24.0/nginx:1.25.3/' deployment.yaml",
            "kubectl apply -f deployment.yaml",
            "kubectl rollout status deployment nginx-deployment",
        ],
    );
    assert_eq!(
        result.message,
        "The old nginx:1.24.0 ReplicaSet is missing. Update the Deployment with apply instead of deleting and recreating it."
    );
}

#[test]
fn checking_in_the_middle_of_the_rollout() {
    let lesson = lesson("07-replicaset-and-deployment");
    let mut sandbox = at_step(&lesson, "rolling-update");
    let result = try_lines(
        &lesson,
        &mut sandbox,
        "rolling-update",
        &["sed -i 's/nginx:1.24.0/nginx:1.25.3/' deployment.yaml", "kubectl apply -f deployment.yaml"],
    );
    assert!(!result.passed);
    assert!(result.message.starts_with("The update has not finished (updated/available/total pods = "), "{}", result.message);
}

/// A check over time: switching the Deployment to `Recreate` also ends with three new
/// pods and the old ReplicaSet at 0, but every pod was down at once on the way.
#[test]
fn a_recreate_update_takes_the_app_down_on_the_way() {
    let lesson = lesson("07-replicaset-and-deployment");
    let mut sandbox = at_step(&lesson, "rolling-update");
    let result = try_lines(
        &lesson,
        &mut sandbox,
        "rolling-update",
        &[
            "sed -i 's/nginx:1.24.0/nginx:1.25.3/' deployment.yaml",
            "printf '  strategy:\\n    type: Recreate\\n' >> deployment.yaml",
            "cat deployment.yaml",
            "kubectl apply -f deployment.yaml",
            "kubectl rollout status deployment nginx-deployment",
            "sleep 30",
        ],
    );
    let changes = sandbox.read_file("/var/kubeniwa/changes").unwrap();
    assert!(changes.contains("\"type\":\"Recreate\""), "{changes}");
    assert_eq!(
        result.message,
        "During the update the available pods fell to 0. Keep the RollingUpdate strategy and change only the image: pods are then replaced a few at a time and at least 2 stay available."
    );
    let step = lesson.steps.iter().find(|s| s.id == "rolling-update").unwrap();
    assert!(check(&mut sandbox, step, Lang::Ja).message.starts_with("更新の途中で、使える Pod (AVAILABLE) が 0 個まで減りました。"));
}

