//! Running a step's scripts in a learner's sandbox: setup before the step, verify when
//! the learner asks "am I done?", and the reference solution (for tests, and for a
//! "show me" button).
//!
//! Scripts run in the sandbox's own shell, so they see exactly the clusters, files and
//! kubeconfig the learner sees. For now they go through [`Sandbox::run_line`], the one
//! way in, with a single short line (`builtin bash /var/kubeniwa/run.sh`). Running them as a
//! `bash` script keeps the learner's working directory, variables, aliases and functions
//! untouched (a script is a subshell); what does change is that this one line joins the
//! shell's history (the `history` builtin shows it; the terminal's up-arrow history
//! lives in the page and does not), `$?` becomes the script's status, and a `sleep` in a
//! script advances the simulated clock as the learner's would. A hidden-run API on the
//! sandbox would remove the first two.
//!
//! What a verify script can use (see `lessons/README.md`):
//! - `$LANG` (`ja` or `en`): the learner's language, for its messages;
//! - `$KUBENIWA_HISTORY`: a file with the command lines the learner ran since the lesson
//!   started ([`start_lesson`]), oldest first;
//! - `$KUBENIWA_CHANGES`: for a step that `track`s resources, every change to them
//!   since the step opened ([`run_setup`]), oldest first, one JSON object per line
//!   (`cluster`, `type`, `resource`, `namespace`, `name`, `object`), from the API
//!   server's watch log, so a condition can be checked over time, not only at the end;
//! - `. /var/kubeniwa/lib.sh`: helpers `say JA EN`, `fail JA EN`, `ran REGEX`,
//!   `ran_in_order REGEX...`, `changes RESOURCE [NAME [NAMESPACE]]`, `ensure_cluster`, `ensure_myapp`.
//!
//! A script that loops is stopped by the shell's step budget; the check then fails and
//! says so, instead of hanging the page.

use kubeniwa_sandbox::{transcript::strip_sgr, CommandOutput, Sandbox};

use crate::model::{Action, Lang, Lesson, Script, Step};

/// Where the engine keeps its files, outside the learner's home directory (so the
/// editor's file list does not show them).
pub const WORK_DIR: &str = "/var/kubeniwa";
/// The learner's command lines, written before each check.
pub const HISTORY_FILE: &str = "/var/kubeniwa/history";
/// The changes to the step's tracked resources, written before each check.
pub const CHANGES_FILE: &str = "/var/kubeniwa/changes";
/// Each cluster's resourceVersion when the step opened (`NAME RV` lines).
const MARKS_FILE: &str = "/var/kubeniwa/marks";
/// Helpers for lesson scripts.
pub const LIB_FILE: &str = "/var/kubeniwa/lib.sh";

/// The history number where the current lesson started.
const SINCE_FILE: &str = "/var/kubeniwa/since";
const DRIVER_FILE: &str = "/var/kubeniwa/run.sh";
/// The line the engine runs; history lines starting with it are the engine's own.
/// `builtin` keeps a learner's alias or function named `bash` out of the way (inside the
/// script, functions and aliases are gone anyway).
const DRIVER_LINE: &str = "builtin bash /var/kubeniwa/run.sh";

/// The helpers of [`LIB_FILE`].
pub const LIB: &str = r#"# Helpers for lesson scripts: . /var/kubeniwa/lib.sh

# say JA EN: prints the message in the learner's language ($LANG).
say() {
  if [ "$LANG" = ja ]; then
    printf '%s\n' "$1"
  else
    printf '%s\n' "$2"
  fi
}

# fail JA EN: says why the check failed and ends it with status 1.
fail() {
  say "$1" "$2"
  exit 1
}

# ran REGEX: whether the learner ran a command line matching the extended regular
# expression, e.g. ran 'kubectl .*describe'.
ran() {
  grep -Eq -- "$1" "$KUBENIWA_HISTORY"
}

# ran_in_order REGEX...: whether the learner ran lines matching each extended regular
# expression in this order (others may come between), e.g. looked at the pods before
# the Service: ran_in_order 'get pods' 'describe service'.
ran_in_order() {
  rest=$(cat "$KUBENIWA_HISTORY")
  for re in "$@"; do
    n=$(printf '%s\n' "$rest" | grep -nE -- "$re" | head -n 1 | cut -d: -f1)
    [ -n "$n" ] || return 1
    rest=$(printf '%s\n' "$rest" | tail -n +$((n + 1)))
  done
  return 0
}

# changes RESOURCE [NAME [NAMESPACE]]: every version of the matching objects since the
# step opened, oldest first, one JSON object per line (the step must `track` RESOURCE).
# E.g. the fewest available replicas during a rollout:
#   changes deployments web | jq -s 'map(.status.availableReplicas // 0) | min'
changes() {
  jq -c --arg r "$1" --arg n "${2:-}" --arg ns "${3:-default}" \
    'select(.resource == $r and ($n == "" or .name == $n) and (.namespace == $ns or .namespace == "")) | .object' "$KUBENIWA_CHANGES"
}

# ensure_cluster: creates the kind cluster "kind" unless it exists, and makes kind-kind
# the current context, working in the namespace default (for setup scripts of lessons
# that start from a cluster; the namespaces lesson changes the context's namespace).
ensure_cluster() {
  kind get clusters 2>/dev/null | grep -qx kind || kind create cluster >/dev/null 2>&1
  kubectl config use-context kind-kind >/dev/null 2>&1
  ns=$(kubectl config get-contexts 2>/dev/null | awk '$1 == "*" { print $5 }')
  [ -z "$ns" ] || [ "$ns" = default ] || kubectl config set-context --current --namespace default >/dev/null 2>&1
}

# ensure_myapp: makes sure the notes' pod myapp (hello-server 1.0 on 8080, from
# ~/myapp.yaml, written if missing) runs in the namespace default, as lesson 02 leaves it.
ensure_myapp() {
  kubectl get pod myapp --namespace default >/dev/null 2>&1 && return 0
  [ -f ~/myapp.yaml ] || cat > ~/myapp.yaml <<'MANIFEST'
apiVersion: v1
kind: Pod
metadata:
  name: myapp
  labels:
    app: myapp
spec:
  containers:
  - name: hello-server
    image: blux2/hello-server:1.0
    ports:
    - containerPort: 8080
MANIFEST
  kubectl apply --filename ~/myapp.yaml --namespace default >/dev/null
  sleep 10
}
"#;

/// The outcome of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub passed: bool,
    /// What to show the learner: the script's output (it says which condition failed,
    /// in the learner's language), or a default sentence when it printed nothing.
    pub message: String,
    /// The script was stopped (it looped or printed too much); `passed` is false.
    pub stopped: bool,
}

/// What a setup script did (the page does not show it; tests and logs may).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptRun {
    pub status: i32,
    pub output: String,
    pub stopped: bool,
}

/// Marks the start of a lesson: from here on, checks see only the command lines the
/// learner runs after this (so a `kubectl describe` from an earlier lesson does not
/// count). Call it when the learner starts a lesson or starts it over. (The mark does not
/// depend on which lesson it is; taking it keeps call sites saying what they mean.)
pub fn start_lesson(sandbox: &mut Sandbox, _lesson: &Lesson, lang: Lang) -> ScriptRun {
    // The driver's own history entry is the last one; its number is the mark.
    let driver = format!("history 1 | head -n 1 | awk '{{ print $1 }}' > {SINCE_FILE}\n");
    run_driver(sandbox, &driver, lang)
}

/// Runs the step's setup script, if it has one. Setup scripts create what the step
/// needs (a cluster, a broken pod) and should be safe to run twice.
///
/// Opening a step also marks where its tracked changes start (after the setup: what
/// the setup breaks is not the learner's doing).
pub fn run_setup(sandbox: &mut Sandbox, step: &Step, lang: Lang) -> Option<ScriptRun> {
    let run = step.setup.as_ref().map(|setup| run_script(sandbox, setup, lang));
    let marks: String = {
        let world = sandbox.world();
        world
            .cluster_names()
            .filter_map(|name| world.cluster(name).map(|c| format!("{name} {}\n", c.resource_version())))
            .collect()
    };
    // The work directory always exists once a script ran; a failed write leaves the
    // marks at the start of the lesson's sandbox, which only widens the window.
    let _ = sandbox.write_file(MARKS_FILE, &marks);
    run
}

/// The tracked changes since the step opened, as `$KUBENIWA_CHANGES` holds them.
fn changes(sandbox: &Sandbox, step: &Step) -> String {
    let marks = sandbox.read_file(MARKS_FILE).unwrap_or_default();
    let mark = |cluster: &str| -> u64 {
        marks
            .lines()
            .filter_map(|l| l.split_once(' '))
            .find(|(name, _)| *name == cluster)
            .and_then(|(_, rv)| rv.parse().ok())
            .unwrap_or(0)
    };
    let world = sandbox.world();
    let mut out = String::new();
    for name in world.cluster_names() {
        let Some(cluster) = world.cluster(name) else { continue };
        for event in cluster.events_since(mark(name)) {
            // The store keys resources as `plural.group` (`deployments.apps`); steps
            // name them as kubectl's short forms do, by the plural alone or in full.
            let resource = event.key.resource.as_str();
            let plural = resource.split('.').next().unwrap_or(resource);
            if !step.track.iter().any(|r| r == resource || r == plural) {
                continue;
            }
            let kind = match event.kind {
                kubeniwa_core::cluster::WatchKind::Added => "ADDED",
                kubeniwa_core::cluster::WatchKind::Modified => "MODIFIED",
                kubeniwa_core::cluster::WatchKind::Deleted => "DELETED",
            };
            let line = serde_json::json!({
                "cluster": name,
                "type": kind,
                "resource": plural,
                "namespace": event.key.namespace,
                "name": event.key.name,
                "object": event.object.value(),
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

/// Runs the step's verify script and says whether the step is done.
pub fn check(sandbox: &mut Sandbox, step: &Step, lang: Lang) -> CheckResult {
    if in_container(sandbox) {
        return CheckResult { passed: false, message: leave_container(lang).to_string(), stopped: false };
    }
    if let Err(e) = sandbox.write_file(CHANGES_FILE, &changes(sandbox, step)) {
        return CheckResult { passed: false, message: e, stopped: false };
    }
    let run = run_script(sandbox, &step.verify, lang);
    let passed = run.status == 0 && !run.stopped;
    let message = if run.stopped {
        let why = match lang {
            Lang::Ja => "チェックが終わりませんでした(スクリプトのステップ数の上限に達したため停止しました)。",
            Lang::En => "The check did not finish: its script was stopped at the shell's step budget.",
        };
        why.to_string()
    } else if !run.output.trim().is_empty() {
        run.output.trim_end().to_string()
    } else if passed {
        match lang {
            Lang::Ja => "できました!".to_string(),
            Lang::En => "Done!".to_string(),
        }
    } else {
        match lang {
            Lang::Ja => "まだ完了していません。".to_string(),
            Lang::En => "Not done yet.".to_string(),
        }
    };
    CheckResult { passed, message, stopped: run.stopped }
}

/// Carries out the step's reference solution as a learner would: commands go through
/// the terminal (and into its history), files through the editor, waits let simulated
/// time pass. Returns what each command printed.
pub fn apply_solution(sandbox: &mut Sandbox, step: &Step) -> Vec<(Action, Option<CommandOutput>)> {
    let mut out = Vec::new();
    for action in &step.solution {
        let printed = match action {
            Action::Run(command) => Some(sandbox.run_line(command)),
            Action::Write { path, content } => {
                if let Err(e) = sandbox.write_file(path, content) {
                    Some(CommandOutput { text: format!("{e}\n"), status: 1 })
                } else {
                    None
                }
            }
            Action::Wait { seconds } => {
                sandbox.advance(u64::from(*seconds) * 1000);
                None
            }
        };
        out.push((action.clone(), printed));
    }
    out
}

/// True when the terminal is inside a container shell (`kubectl exec -it ... -- sh`),
/// where command lines go to the container.
fn in_container(sandbox: &Sandbox) -> bool {
    // The host shell's prompt is always `$ `; container shells print their own.
    sandbox.prompt() != "$ "
}

fn leave_container(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "コンテナのシェルの中ではチェックできません。`exit` でシェルを抜けてから、もう一度チェックしてください。",
        Lang::En => "The check cannot run inside a container shell. Leave it with `exit`, then check again.",
    }
}

/// Writes the script, the helpers and the driver, then runs the driver.
fn run_script(sandbox: &mut Sandbox, script: &Script, lang: Lang) -> ScriptRun {
    let path = format!("{WORK_DIR}/{}", script.file);
    // The history file holds the lines after the mark `start_lesson` left, without the
    // engine's own. `history` numbers entries right-aligned in five columns, which tells
    // an entry's first line from the continuation lines of a here-document.
    let driver = format!(
        "export LANG={lang} KUBENIWA_HISTORY={HISTORY_FILE} KUBENIWA_CHANGES={CHANGES_FILE}\n\
         since=$(cat {SINCE_FILE} 2>/dev/null)\n\
         history | awk -v since=\"${{since:-0}}\" 'match($0, /^ *[0-9]+  /) && RLENGTH >= 7 {{ n = $1 + 0; $0 = substr($0, RLENGTH + 1); keep = (n > since && index($0, \"{DRIVER_LINE}\") != 1) }} keep {{ print }}' > {HISTORY_FILE}\n\
         bash {path}\n"
    );
    if let Err(e) = sandbox.write_file(&path, &script.source) {
        return ScriptRun { status: 1, output: format!("{e}\n"), stopped: false };
    }
    run_driver(sandbox, &driver, lang)
}

/// Runs `driver` as the one line the engine types, with the helpers in place.
fn run_driver(sandbox: &mut Sandbox, driver: &str, lang: Lang) -> ScriptRun {
    if in_container(sandbox) {
        return ScriptRun { status: 1, output: leave_container(lang).to_string(), stopped: false };
    }
    for (file, content) in [(LIB_FILE, LIB), (DRIVER_FILE, driver)] {
        if let Err(e) = sandbox.write_file(file, content) {
            return ScriptRun { status: 1, output: format!("{e}\n"), stopped: false };
        }
    }
    let CommandOutput { text, status } = sandbox.run_line(DRIVER_LINE);
    let output = strip_sgr(&text);
    let stopped = status == 130 && (output.contains("step budget exceeded") || output.contains("output limit exceeded"));
    ScriptRun { status, output, stopped }
}
