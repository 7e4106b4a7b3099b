//! A container's own command as a process in simulated time. The core does not run
//! commands itself (the shell lives above it): the sandbox installs a
//! [`ProcessRunner`] that runs the command in the same small shell as the learner's
//! terminal and `kubectl exec`, with the container's environment and files, where
//! `sleep N` moves a clock of the process's own. The kubelet gets back what the
//! process prints and when, and whether and when it exits, and reveals the output in
//! the container's log as simulated time reaches each instant.

use crate::network::{NetAnswer, NetCall};
use crate::time::Millis;

/// What the kubelet asks the runner to run.
#[derive(Clone)]
pub struct ProcessRequest<'a> {
    pub image: &'a str,
    /// `command` + `args`, with `$(VAR)` references expanded as the kubelet does.
    pub argv: &'a [String],
    pub env: &'a [(String, String)],
    /// The files of the container's volume mounts.
    pub files: &'a [(String, String)],
    pub namespace: &'a str,
    pub pod: &'a str,
    pub pod_ip: &'a str,
    /// When the process starts (for `date`).
    pub start: Millis,
    /// How far to run it: a process still running then is reported as running.
    pub horizon_ms: Millis,
    /// Shell steps the run may take (a loop that never sleeps runs out of them).
    pub step_budget: u64,
    /// The cluster network as the pod sees it (`curl`, `wget`, `nslookup`).
    pub net: &'a dyn ProcessNet,
}

/// The network a process's programs use. The kubelet runs a process ahead of
/// simulated time: the `index`-th call the process makes (at `at` ms after it
/// started) gets the answer already settled for it when the cluster's clock has
/// passed it, and otherwise the answer the cluster gives now. The kubelet checks
/// each answer again when the clock reaches its instant, and runs the process again
/// from there when the network answers differently then (an endpoint came or went).
pub trait ProcessNet {
    fn call(&self, index: usize, at: Millis, call: &NetCall) -> NetAnswer;
}

/// One network call a run made: when (ms after the process started), what, and the
/// answer it got.
#[derive(Debug, Clone, PartialEq)]
pub struct NetRecord {
    pub at: Millis,
    pub call: NetCall,
    pub answer: NetAnswer,
}

/// What running a container's command found.
#[derive(Debug, Clone, PartialEq)]
pub enum ProcessRun {
    /// The process ran: what it printed, by milliseconds since it started, and its
    /// exit (offset, code), or `None` when it still runs at `running_until`.
    /// `calls` are the network calls it made, in order.
    Ran { output: Vec<(Millis, String)>, exit: Option<(Millis, i32)>, running_until: Millis, calls: Vec<NetRecord> },
    /// The runtime cannot start it: the program is not in the image (`exec: "foo":
    /// executable file not found in $PATH`).
    NotFound { program: String },
}

/// Runs containers' commands; `None` when the runner cannot model this command (a
/// program it does not have, such as `ping` or `psql`), and the kubelet keeps the
/// catalogue's description of the process.
pub trait ProcessRunner: Send + Sync {
    fn run(&self, request: &ProcessRequest<'_>) -> Option<ProcessRun>;
}

/// Expands `$(VAR)` in a container's `command` and `args` from its environment, as
/// the kubelet does (`third_party/forked/golang/expansion`): `$$` is a literal `$`,
/// an undefined variable is left as written, and a `$` before anything else stays.
pub fn expand(input: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let bytes = input.as_bytes();
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && i + 1 < bytes.len() {
            out.push_str(&input[last..i]);
            match bytes[i + 1] {
                b'$' => {
                    out.push('$');
                    i += 2;
                }
                b'(' => match input[i + 2..].find(')') {
                    Some(end) => {
                        let name = &input[i + 2..i + 2 + end];
                        match env.iter().rev().find(|(k, _)| k == name) {
                            Some((_, v)) => out.push_str(v),
                            None => {
                                out.push_str("$(");
                                out.push_str(name);
                                out.push(')');
                            }
                        }
                        i += end + 3;
                    }
                    None => {
                        // An unclosed reference is kept as written.
                        out.push_str(&input[i..]);
                        i = bytes.len();
                    }
                },
                _ => {
                    out.push('$');
                    i += 1;
                }
            }
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&input[last.min(input.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion_follows_the_kubelet() {
        let env = vec![("MY_VAR".to_string(), "hello".to_string()), ("N".to_string(), "3".to_string())];
        assert_eq!(expand("echo $(MY_VAR)", &env), "echo hello");
        assert_eq!(expand("$(N)$(N)", &env), "33");
        assert_eq!(expand("$(UNSET) x", &env), "$(UNSET) x");
        assert_eq!(expand("$$(MY_VAR)", &env), "$(MY_VAR)");
        assert_eq!(expand("$HOME and $", &env), "$HOME and $");
        assert_eq!(expand("a $(MY_VAR", &env), "a $(MY_VAR");
    }
}
