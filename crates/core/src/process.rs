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
    /// After this many network calls the run stops as soon as its clock moves past
    /// the instant of the last one (`ProcessRun::Ran::paused`): what the process does
    /// up to that instant is all known, and a run with the same answers and a later
    /// pause goes on from there the same way.
    pub pause_after_calls: usize,
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

/// How the cluster answers a process's calls at one instant, kept: each call (a
/// name, a host and port) is asked of the cluster once, with every endpoint a
/// Service could pick, and each later asking follows the call's own draws through
/// what was kept. The same call with the same draws is answered as the cluster was
/// when the view was made, however much later it is asked (a run gone ahead in
/// parts answers as the whole run would have).
#[derive(Debug, Clone, Default)]
pub struct NetView {
    calls: std::collections::BTreeMap<NetCall, ViewNode>,
    /// Every pick's alternatives are asked at once (a view kept across instants);
    /// otherwise only the ones drawn (a view used at one instant).
    eager: bool,
}

#[derive(Debug, Clone)]
enum ViewNode {
    Answer(NetAnswer),
    /// A Service's endpoint is picked among this many; what each pick leads to.
    Pick(Vec<Option<ViewNode>>),
}

/// How the cluster answers a call, given the picks among a Service's endpoints.
pub type Ask<'a> = dyn Fn(&NetCall, &mut dyn FnMut(usize) -> usize) -> NetAnswer + 'a;

impl NetView {
    pub fn new(eager: bool) -> NetView {
        NetView { calls: std::collections::BTreeMap::new(), eager }
    }

    /// The answer to `call` with the picks `draw` gives (`draw(n)` is below `n`, and
    /// is asked once per pick, in order, as the cluster's answer would ask it).
    pub fn answer(&mut self, call: &NetCall, draw: &mut dyn FnMut(usize) -> usize, ask: &Ask<'_>) -> NetAnswer {
        let eager = self.eager;
        let mut path = Vec::new();
        if !self.calls.contains_key(call) {
            let node = build(call, &mut path, eager, ask);
            self.calls.insert(call.clone(), node);
        }
        let Some(node) = self.calls.get_mut(call) else { unreachable!() };
        walk(node, call, &mut path, draw, eager, ask)
    }
}

/// Asks the cluster `call` with the picks `path`, then learns whether it picks again.
fn build(call: &NetCall, path: &mut Vec<usize>, eager: bool, ask: &Ask<'_>) -> ViewNode {
    let mut next = None;
    let answer = {
        let mut k = 0;
        let fixed: &[usize] = path;
        ask(call, &mut |n| {
            k += 1;
            match fixed.get(k - 1) {
                Some(i) => *i,
                None => {
                    if k - 1 == fixed.len() {
                        next = Some(n);
                    }
                    0
                }
            }
        })
    };
    match next {
        Some(n) if n > 0 => ViewNode::Pick(
            (0..n)
                .map(|i| {
                    eager.then(|| {
                        path.push(i);
                        let node = build(call, path, eager, ask);
                        path.pop();
                        node
                    })
                })
                .collect(),
        ),
        _ => ViewNode::Answer(answer),
    }
}

fn walk(node: &mut ViewNode, call: &NetCall, path: &mut Vec<usize>, draw: &mut dyn FnMut(usize) -> usize, eager: bool, ask: &Ask<'_>) -> NetAnswer {
    match node {
        ViewNode::Answer(answer) => answer.clone(),
        ViewNode::Pick(next) => {
            let i = draw(next.len()).min(next.len() - 1);
            path.push(i);
            let child = next[i].get_or_insert_with(|| build(call, path, eager, ask));
            walk(child, call, path, draw, eager, ask)
        }
    }
}

/// What running a container's command found.
#[derive(Debug, Clone, PartialEq)]
pub enum ProcessRun {
    /// The process ran: what it printed, by milliseconds since it started, and its
    /// exit (offset, code), or `None` when it still runs at `running_until`.
    /// `calls` are the network calls it made, in order. `paused`: the run stopped at
    /// `running_until` after `pause_after_calls` calls, before its horizon.
    Ran { output: Vec<(Millis, String)>, exit: Option<(Millis, i32)>, running_until: Millis, calls: Vec<NetRecord>, paused: bool },
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
    use crate::network::Resolved;

    /// A network where `svc` picks among 3 endpoints and then among 2 ports of each,
    /// `pod` picks nothing; it counts how often it is asked.
    fn network(asked: &std::cell::Cell<usize>) -> impl Fn(&NetCall, &mut dyn FnMut(usize) -> usize) -> NetAnswer + '_ {
        move |call, pick| {
            asked.set(asked.get() + 1);
            let name = match call {
                NetCall::Lookup { name } | NetCall::Connect { host: name, .. } => name.clone(),
            };
            let text = match name.as_str() {
                "svc" => {
                    let a = pick(3);
                    let b = pick(2);
                    format!("10.0.0.{a}:{b}")
                }
                _ => "10.0.1.1".to_string(),
            };
            NetAnswer::Lookup(Resolved::Ip(text))
        }
    }

    #[test]
    fn a_view_answers_as_the_network_did_with_the_same_draws() {
        let asked = std::cell::Cell::new(0);
        let ask = network(&asked);
        for eager in [false, true] {
            let mut view = NetView::new(eager);
            for seed in 0..40u64 {
                let call = NetCall::Connect { host: if seed % 5 == 0 { "pod".into() } else { "svc".into() }, port: 80 };
                let mut draws = crate::rng::SimRng::new(seed);
                let direct = ask(&call, &mut |n| draws.below(n as u64) as usize);
                let mut draws = crate::rng::SimRng::new(seed);
                let mut drawn = 0;
                let kept = view.answer(&call, &mut |n| {
                    drawn += 1;
                    draws.below(n as u64) as usize
                }, &ask);
                assert_eq!(kept, direct, "seed {seed}");
                assert_eq!(drawn, if seed % 5 == 0 { 0 } else { 2 }, "each pick draws once, in order");
            }
        }
        // Eager: every alternative is asked when the call is first answered, then never.
        let mut view = NetView::new(true);
        let call = NetCall::Connect { host: "svc".into(), port: 80 };
        asked.set(0);
        view.answer(&call, &mut |_| 0, &ask);
        let first = asked.get();
        assert!(first >= 3 * 2, "{first}");
        for i in 0..6 {
            let mut k = 0;
            view.answer(&call, &mut |n| {
                k += 1;
                if k == 1 { i % n } else { i / 3 % n }
            }, &ask);
        }
        assert_eq!(asked.get(), first);
    }

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
