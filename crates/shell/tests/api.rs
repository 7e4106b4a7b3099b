//! The public API the sandbox and the terminal use.

mod common;

use kubeniwa_shell::{is_complete, Shell, Vfs};

#[test]
fn completeness_decides_when_the_terminal_asks_for_more() {
    let complete = [
        "echo hi",
        "",
        "echo 'a' \"b\"",
        "if true; then echo; fi",
        "cat <<EOF\nbody\nEOF",
        "for i in 1 2; do echo $i; done",
        "f() { echo; }",
        "echo $(echo x)",
        "echo $((1+2))",
        "case x in a) ;; esac",
        "fi",
        "echo )",
        "echo \\\\",
        "[[ a == b ]]",
        "# just a comment",
    ];
    let incomplete = [
        "echo 'open",
        "echo \"open",
        "cat <<EOF\nbody",
        "cat <<EOF",
        "if true; then echo",
        "if true",
        "for i in 1 2; do",
        "while true; do echo",
        "echo a |",
        "echo a &&",
        "echo a ||",
        "echo a \\",
        "f() {",
        "{ echo",
        "( echo",
        "echo $(echo",
        "echo `echo",
        "echo ${x",
        "case x in",
        "case x in a)",
        "[[ a ==",
    ];
    for s in complete {
        assert!(is_complete(s), "should be complete: {s:?}");
    }
    for s in incomplete {
        assert!(!is_complete(s), "should be incomplete: {s:?}");
    }
}

#[test]
fn a_new_shell_is_at_home_with_a_sane_environment() {
    let shell = Shell::new(Vfs::new(), "/home/learner");
    assert_eq!(shell.cwd(), "/home/learner");
    assert!(shell.vfs().is_dir("/home/learner"));
    let env = shell.env();
    assert_eq!(env.get("HOME").map(String::as_str), Some("/home/learner"));
    assert_eq!(env.get("USER").map(String::as_str), Some("learner"));
    assert_eq!(env.get("PWD").map(String::as_str), Some("/home/learner"));
    assert!(env.get("PATH").is_some_and(|p| p.contains("/usr/bin")));
}

#[test]
fn stdout_and_stderr_interleave_in_write_order() {
    let mut shell = common::new_shell();
    let out = shell.run(&mut common::TestHost, "echo 1; ls nope; echo 2 >&2; echo 3");
    assert_eq!(out.text, "1\nls: cannot access 'nope': No such file or directory\n2\n3\n");
    assert_eq!(out.status, 0);
}

#[test]
fn state_persists_between_runs_and_the_sandbox_can_set_it() {
    let mut shell = common::new_shell();
    let mut host = common::TestHost;
    shell.set_var("KUBECONFIG", "/home/learner/.kube/config");
    shell.vfs_mut().write_creating_dirs("/home/learner/notes/pod.yaml", b"kind: Pod\n".to_vec()).unwrap();
    shell.run(&mut host, "cd notes; X=1; alias k=kubectl");
    assert_eq!(shell.cwd(), "/home/learner/notes");
    let out = shell.run(&mut host, "cat pod.yaml; echo $X; k get -f pod.yaml; showenv KUBECONFIG");
    assert_eq!(
        out.text,
        "kind: Pod\n1\nkubectl [get] [-f] [pod.yaml]\nKUBECONFIG=/home/learner/.kube/config cwd=/home/learner/notes\n"
    );
    assert_eq!(shell.history(), ["cd notes; X=1; alias k=kubectl", "cat pod.yaml; echo $X; k get -f pod.yaml; showenv KUBECONFIG"]);
}

#[test]
fn the_step_budget_is_configurable() {
    let mut shell = common::new_shell();
    shell.set_step_budget(50);
    let out = shell.run(&mut common::TestHost, "for i in $(seq 100); do :; done; echo unreachable");
    assert_eq!(out.text, "bash: step budget exceeded (50 steps); command stopped\n");
    assert_eq!(out.status, 130);
    // The budget is per run: the next command starts afresh.
    let out = shell.run(&mut common::TestHost, "echo fine");
    assert_eq!(out.text, "fine\n");
}

#[test]
fn clear_emits_the_terminal_escape() {
    let mut shell = common::new_shell();
    assert_eq!(shell.run(&mut common::TestHost, "clear").text, "\x1b[H\x1b[2J");
}

#[test]
fn exit_is_reported_and_the_shell_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Shell>();
    let mut shell = common::new_shell();
    let out = shell.run(&mut common::TestHost, "echo bye; exit 4; echo never");
    assert_eq!((out.text.as_str(), out.status, out.exited), ("bye\n", 4, true));
    assert!(!shell.run(&mut common::TestHost, "true").exited);
    // `exit` in a subshell or a script ends only that.
    assert!(!shell.run(&mut common::TestHost, "(exit 2); bash -c 'exit 3'").exited);
}

#[test]
fn the_prompt_follows_ps1_and_the_working_directory() {
    let mut shell = common::new_shell();
    assert_eq!(shell.prompt(), "learner@kubeniwa:~$ ");
    shell.run(&mut common::TestHost, "mkdir -p app/base; cd app/base");
    assert_eq!(shell.prompt(), "learner@kubeniwa:~/app/base$ ");
    shell.run(&mut common::TestHost, "cd /tmp; PS1='[\\W]\\$ '");
    assert_eq!(shell.prompt(), "[tmp]$ ");
}

#[test]
fn a_session_saves_and_restores() {
    let mut shell = common::new_shell();
    let mut host = common::TestHost;
    shell.run(&mut host, "mkdir -p app; cd app; echo data > f; chmod +x f; X=1; export Y=2; arr=(a b); alias k=kubectl");
    shell.run(&mut host, "greet() { echo \"hi $1\"; }; false");
    let state = shell.state();
    let entries = shell.vfs().entries();
    let mut restored = Shell::from_state(Vfs::from_entries(entries.clone()), state.clone());
    assert_eq!(restored.state(), state);
    assert_eq!(restored.vfs().entries(), entries);
    let out = restored.run(&mut host, "echo $? $X $Y ${arr[1]}; pwd; cat f; greet you; k get pods; history | wc -l");
    assert_eq!(out.text, "1 1 2 b\n/home/learner/app\ndata\nhi you\nkubectl [get] [pods]\n3\n");
    // A clone is independent.
    let mut copy = restored.clone();
    copy.run(&mut host, "rm f; cd /");
    assert!(restored.vfs().is_file("/home/learner/app/f"));
    assert_eq!(restored.cwd(), "/home/learner/app");
}

#[test]
fn tab_completion() {
    let mut shell = common::new_shell();
    shell.run(&mut common::TestHost, "mkdir -p manifests/base; touch manifests/pod.yaml manifests/.hidden deploy.yaml; alias kgp='kubectl get pods'");
    assert_eq!(shell.completions("kub", &["kubectl", "kind"]), ["kubectl"]);
    assert_eq!(shell.completions("kg", &[]), ["kgp"]);
    assert_eq!(shell.completions("cat man", &[]), ["manifests/"]);
    assert_eq!(shell.completions("kubectl apply -f manifests/", &[]), ["manifests/base/", "manifests/pod.yaml"]);
    assert_eq!(shell.completions("ls | gr", &[]), ["grep"]);
    assert_eq!(shell.completions("cat ~/de", &[]), ["~/deploy.yaml"]);
    assert!(shell.completions("cat nothing", &[]).is_empty());
}

#[test]
fn windows_line_endings_from_a_paste() {
    let mut shell = common::new_shell();
    assert!(is_complete("cat <<EOF\r\nhello\r\nEOF\r\n"));
    let out = shell.run(&mut common::TestHost, "echo one\r\nif true; then\r\n  echo two\r\nfi\r\n");
    assert_eq!(out.text, "one\ntwo\n");
}
