//! Tab completion for the terminal: the shell's own (commands, aliases, paths) and,
//! for `kubectl` (or an alias of it such as `k`) and `kind`, their words as their
//! bash completions give them, with object names fetched from the cluster.

use kubeniwa_kubectl::complete::Completion;
use kubeniwa_shell::{Io, Sink, Stream};

use crate::Sandbox;

/// The programs the sandbox adds to the shell's own.
pub const HOST_COMMANDS: &[&str] = &["kubectl", "kind", "sleep", "date", "curl", "wget", "nslookup", "jq", "watch"];

struct Discard;

impl Sink for Discard {
    fn write(&mut self, _: Stream, _: &[u8]) {}
}

/// Splits the last simple command of `line` into its complete words and the word
/// being typed (empty after a space). Quotes are kept out of the way simply: a word
/// in quotes is completed as typed.
fn split(line: &str) -> (Vec<String>, String) {
    let tail = line.rsplit(['|', ';', '&', '(', '`']).next().unwrap_or("");
    let mut words: Vec<String> = tail.split_whitespace().map(String::from).collect();
    let cur = if tail.is_empty() || tail.ends_with([' ', '\t']) { String::new() } else { words.pop().unwrap_or_default() };
    (words, cur)
}

impl Sandbox {
    /// The words that could replace the last word of `line` at the prompt, sorted;
    /// directories end in `/`. One candidate completes; several are listed on a
    /// second Tab, as bash does.
    pub fn complete(&mut self, line: &str) -> Vec<String> {
        if let Some(session) = self.sessions.last() {
            return session.shell.completions(line, &[]);
        }
        let (mut words, cur) = split(line);
        if words.is_empty() {
            return self.shell.completions(line, HOST_COMMANDS);
        }
        // `k get po` with `alias k=kubectl`: complete as the alias's words.
        if let Some(value) = self.shell.alias_value(&words[0]) {
            let expanded: Vec<String> = value.split_whitespace().map(String::from).collect();
            if !expanded.is_empty() {
                words.splice(0..1, expanded);
            }
        }
        let program = words[0].rsplit('/').next().unwrap_or("").to_string();
        let result = match program.as_str() {
            "kubectl" => {
                self.shell.vfs_mut().set_now(self.world.now / 1000);
                let env = self.shell.env().clone();
                let cwd = self.shell.cwd().to_string();
                let mut sink = Discard;
                let mut io = Io { stdin: &[], vfs: self.shell.vfs_mut(), cwd: &cwd, env: &env, sink: &mut sink };
                let held = self.world.may_hold;
                self.world.may_hold = false;
                let c = kubeniwa_kubectl::complete::complete(&words[1..], &cur, &mut self.world, &mut io);
                self.world.may_hold = held;
                c
            }
            "kind" => self.complete_kind(&words[1..], &cur),
            _ => Completion::Files,
        };
        match result {
            Completion::Words(w) => w,
            Completion::Files => self.shell.completions(line, HOST_COMMANDS),
        }
    }

    fn complete_kind(&self, words: &[String], cur: &str) -> Completion {
        let pick = |list: &[&str]| -> Completion {
            let mut v: Vec<String> = list.iter().filter(|w| w.starts_with(cur)).map(|w| w.to_string()).collect();
            v.sort();
            Completion::Words(v)
        };
        let clusters: Vec<String> = self.world.cluster_names().map(String::from).collect();
        if words.last().is_some_and(|w| w == "--name" || w == "-n") {
            let names: Vec<&str> = clusters.iter().map(String::as_str).collect();
            return pick(&names);
        }
        if words.last().is_some_and(|w| w == "--config" || w == "--kubeconfig") {
            return Completion::Files;
        }
        let positional: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.starts_with('-')).collect();
        if cur.starts_with('-') {
            return match positional.as_slice() {
                ["create", "cluster"] => pick(&["--config", "--help", "--image", "--kubeconfig", "--name", "--retain", "--wait"]),
                ["delete", "cluster"] => pick(&["--help", "--kubeconfig", "--name"]),
                ["get", _] => pick(&["--help", "--name"]),
                _ => pick(&["--help", "--quiet", "--verbosity", "--version"]),
            };
        }
        match positional.as_slice() {
            [] => pick(&["build", "completion", "create", "delete", "export", "get", "help", "load", "version"]),
            ["create"] => pick(&["cluster"]),
            ["delete"] => pick(&["cluster", "clusters"]),
            ["get"] => pick(&["clusters", "kubeconfig", "nodes"]),
            ["export"] => pick(&["kubeconfig", "logs"]),
            ["completion"] => pick(&["bash", "fish", "zsh"]),
            _ => Completion::Words(Vec::new()),
        }
    }
}
