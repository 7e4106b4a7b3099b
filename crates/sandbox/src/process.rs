//! The process runner the sandbox installs in every cluster (`kubeniwa_core::process`):
//! a container's own command runs in the same shell as `kubectl exec`, over the
//! container's files and environment, with only the programs its image has. Time is
//! the process's own: `sleep` moves its clock and `date` reads it, so one run gives
//! what the process prints and when, and when it exits. Its `curl`, `wget` and
//! `nslookup` are the ones of `kubectl exec` (`crate::net`), over the network the
//! kubelet hands the run (`ProcessNet`: the cluster at the instant the process asks;
//! a server's response time moves the process's clock).

use kubeniwa_core::images::{self, Image};
use kubeniwa_core::network::{NetAnswer, NetCall, Resolved};
use kubeniwa_core::process::{NetRecord, ProcessNet, ProcessRequest, ProcessRun, ProcessRunner};
use kubeniwa_core::time::Millis;
use kubeniwa_shell::{Host, Io, Shell, Stop};

/// Runs containers' commands in the shell.
pub struct ShellRunner;

impl ProcessRunner for ShellRunner {
    fn run(&self, request: &ProcessRequest<'_>) -> Option<ProcessRun> {
        let image = images::find(request.image)?;
        let first = request.argv.first()?;
        let program = first.rsplit('/').next().unwrap_or(first).to_string();
        let is_shell = matches!(program.as_str(), "sh" | "bash" | "ash") && image.shell && (program != "bash" || has(image, "bash"));
        let own_binary = image.cmd.first().and_then(|c| c.split_whitespace().next()).map(|c| c.trim_end_matches(':').rsplit('/').next().unwrap_or(c).to_string()).is_some_and(|c| c == program)
            || image.binaries.iter().any(|b| *b == program);
        // The network tools are this runner's own (`crate::net`), whatever image has them.
        let network_tool = matches!(program.as_str(), "curl" | "wget" | "nslookup") && has(image, &program);
        if own_binary && !is_shell && !network_tool {
            // The image's own program (a server, a database): the catalogue says what it does.
            return None;
        }
        // An image with a shell has a userland (busybox, coreutils): the shell's own
        // commands and the ones this runner gives the process (`sleep`, `date`).
        let userland = image.shell && (kubeniwa_shell::knows_command(&program) || matches!(program.as_str(), "sleep" | "date" | "hostname"));
        let available = is_shell || has(image, &program) || userland;
        if !available {
            return Some(ProcessRun::NotFound { program: first.clone() });
        }
        let script = if is_shell {
            match request.argv.get(1).map(String::as_str) {
                Some("-c") => request.argv.get(2).cloned().unwrap_or_default(),
                // A shell with no script and no stdin reads end-of-file and exits.
                None => String::new(),
                Some(_) => quoted(request.argv),
            }
        } else {
            quoted(request.argv)
        };
        let mut shell = process_shell(request, image);
        shell.set_step_budget(request.step_budget);
        let mut host = ProcessHost {
            clock: 0,
            horizon: request.horizon_ms,
            start: request.start,
            image,
            pod: request.pod.to_string(),
            namespace: request.namespace.to_string(),
            curl_old_wording: request.image.ends_with(":8.4.0"),
            net: request.net,
            calls: Vec::new(),
            pause_after: request.pause_after_calls,
            paused: false,
            unsupported: false,
        };
        let timeline = shell.run_timed(&mut host, &script);
        if host.unsupported {
            return None;
        }
        // A paused run stops at the instant of its last call (`horizon` came down to it).
        let horizon = host.horizon;
        let output: Vec<(Millis, String)> = timeline.chunks.into_iter().filter(|(at, _)| *at <= horizon).collect();
        let calls = std::mem::take(&mut host.calls);
        Some(match timeline.stopped {
            None => ProcessRun::Ran { output, exit: Some((host.clock, timeline.status & 0xff)), running_until: host.clock, calls, paused: false },
            Some(Stop::Horizon) => ProcessRun::Ran { output, exit: None, running_until: horizon, calls, paused: host.paused && horizon < request.horizon_ms },
            Some(Stop::Busy) => ProcessRun::Ran { output, exit: None, running_until: host.clock, calls, paused: false },
        })
    }
}

fn has(image: &Image, program: &str) -> bool {
    image.tools.iter().any(|t| t == program)
}

fn quoted(argv: &[String]) -> String {
    argv.iter().map(|a| crate::container::shell_quote(a)).collect::<Vec<_>>().join(" ")
}

/// The container's shell: its files (the pod's usual ones and its volume mounts) and
/// only its environment.
fn process_shell(request: &ProcessRequest<'_>, image: &Image) -> Shell {
    let home = if image.user == "root" || image.user.is_empty() { "/root".to_string() } else { format!("/home/{}", image.user) };
    let mut vfs = crate::container::pod_fs(request.namespace, request.pod, request.pod_ip, &home);
    for (path, text) in request.files {
        let _ = vfs.write_creating_dirs(path, text.clone().into_bytes());
    }
    let mut shell = Shell::new(vfs, &home);
    shell.set_program_name("sh");
    shell.clear_env();
    shell.set_var("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    shell.set_var("HOSTNAME", request.pod);
    shell.set_var("HOME", &home);
    for (k, v) in request.env {
        shell.set_var(k, v);
    }
    shell
}

/// The programs of a container's process, on its own clock.
struct ProcessHost<'a> {
    clock: Millis,
    horizon: Millis,
    start: Millis,
    image: &'static Image,
    pod: String,
    namespace: String,
    curl_old_wording: bool,
    net: &'a dyn ProcessNet,
    /// The network calls made so far, with their answers.
    calls: Vec<NetRecord>,
    /// After this many calls the run pauses: `horizon` comes down to the last call's
    /// instant, so the run stops once its clock moves past it.
    pause_after: usize,
    paused: bool,
    /// The command used a program this runner does not model (`ping`, `nc`, `psql`):
    /// the kubelet keeps the catalogue's description instead.
    unsupported: bool,
}

impl ProcessHost<'_> {
    /// Asks the network at the process's instant, and keeps the call.
    fn ask(&mut self, call: NetCall) -> NetAnswer {
        let answer = self.net.call(self.calls.len(), self.clock, &call);
        self.calls.push(NetRecord { at: self.clock, call, answer: answer.clone() });
        if self.calls.len() == self.pause_after {
            self.paused = true;
            self.horizon = self.horizon.min(self.clock);
        }
        answer
    }
}

impl crate::net::Network for ProcessHost<'_> {
    fn fetch(&mut self, url: &crate::net::Url) -> crate::net::Fetch {
        let answer = self.ask(NetCall::Connect { host: url.host.clone(), port: url.port });
        crate::net::from_answer(answer, url, crate::net::couldnt(self.curl_old_wording))
    }

    fn lookup(&mut self, name: &str) -> Option<(String, Resolved)> {
        let resolved = match self.ask(NetCall::Lookup { name: name.to_string() }) {
            NetAnswer::Lookup(resolved) => resolved,
            NetAnswer::Connect { resolved, .. } => resolved,
        };
        Some((self.namespace.clone(), resolved))
    }

    fn wait(&mut self, ms: Millis) {
        self.clock = self.clock.saturating_add(ms);
    }
}

impl Host for ProcessHost<'_> {
    fn run(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32> {
        let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
        let args = &argv[1..];
        Some(match name.as_str() {
            "sleep" => match crate::world::sleep_millis(args) {
                Ok(ms) => {
                    self.clock = self.clock.saturating_add(ms);
                    0
                }
                Err(message) => {
                    io.err(message);
                    1
                }
            },
            "date" => {
                io.out(format!("{}\n", crate::world::gnu_date(self.start + self.clock)));
                0
            }
            "hostname" => {
                io.out(format!("{}\n", self.pod));
                0
            }
            "curl" if has(self.image, "curl") => crate::net::curl(self, args, io),
            "wget" if has(self.image, "wget") => crate::net::wget(self, args, io),
            "nslookup" if has(self.image, "nslookup") => crate::net::nslookup(self, args, io),
            "perl" if has(self.image, "perl") => match perl(args) {
                Some((text, cost)) => {
                    self.clock += cost;
                    io.out(text);
                    0
                }
                None => {
                    self.unsupported = true;
                    0
                }
            },
            other if has(self.image, other) => {
                self.unsupported = true;
                0
            }
            _ => return None,
        })
    }

    fn knows(&self, name: &str) -> bool {
        matches!(name, "sleep" | "date" | "hostname") || has(self.image, name)
    }

    fn clock_ms(&self) -> u64 {
        self.clock
    }

    fn out_of_time(&self) -> bool {
        self.unsupported || self.clock > self.horizon
    }
}

/// The perl one-liners of the docs' Job examples: `perl -Mbignum=bpi -wle 'print
/// bpi(2000)'` (π to 2000 significant digits, as Math::BigFloat rounds it) and
/// `print "text"`. Returns the output and the CPU time it takes.
fn perl(args: &[String]) -> Option<(String, Millis)> {
    let mut script = None;
    let mut newline = false;
    let mut bpi = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(module) = a.strip_prefix("-M") {
            bpi |= module == "bignum=bpi" || module == "bigrat=bpi" || module == "Math::BigFloat=bpi";
            continue;
        }
        if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty() && f.chars().all(|c| "wlestT".contains(c))) {
            newline |= flags.contains('l');
            if flags.ends_with('e') {
                script = Some(it.next()?.clone());
            }
            continue;
        }
        return None;
    }
    let script = script?;
    let expr = script.trim().trim_end_matches(';').trim().strip_prefix("print ")?.trim();
    let end = if newline { "\n" } else { "" };
    if let Some(n) = expr.strip_prefix("bpi(").and_then(|r| r.strip_suffix(')')).filter(|_| bpi) {
        let digits: usize = n.trim().parse().ok().filter(|d| (1..=20_000).contains(d))?;
        // Math::BigFloat's series takes about a second per thousand digits squared.
        let cost = 200 + (digits as u64 * digits as u64) / 1_000;
        return Some((format!("{}{end}", pi(digits)), cost));
    }
    let text = expr.strip_prefix('"').and_then(|r| r.strip_suffix('"')).or_else(|| expr.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))?;
    Some((format!("{}{end}", text.replace("\\n", "\n")), 20))
}

/// π to `digits` significant digits, rounded (Machin's formula in base 10⁹ fixed point).
fn pi(digits: usize) -> String {
    const BASE: u64 = 1_000_000_000;
    let limbs = (digits + 20) / 9 + 2;
    // x[0] is the integer part, x[1..] the fraction.
    let div = |x: &mut Vec<u64>, d: u64| {
        let mut rem = 0u64;
        for limb in x.iter_mut() {
            let cur = rem * BASE + *limb;
            *limb = cur / d;
            rem = cur % d;
        }
    };
    let add = |x: &mut Vec<u64>, y: &[u64]| {
        let mut carry = 0;
        for i in (0..x.len()).rev() {
            let s = x[i] + y[i] + carry;
            x[i] = s % BASE;
            carry = s / BASE;
        }
    };
    let sub = |x: &mut Vec<u64>, y: &[u64]| {
        let mut borrow = 0;
        for i in (0..x.len()).rev() {
            let (a, b) = (x[i], y[i] + borrow);
            if a >= b {
                x[i] = a - b;
                borrow = 0;
            } else {
                x[i] = a + BASE - b;
                borrow = 1;
            }
        }
    };
    let mul = |x: &mut Vec<u64>, m: u64| {
        let mut carry = 0;
        for i in (0..x.len()).rev() {
            let p = x[i] * m + carry;
            x[i] = p % BASE;
            carry = p / BASE;
        }
    };
    let atan_inv = |k: u64| -> Vec<u64> {
        let mut term = vec![0u64; limbs];
        term[0] = 1;
        div(&mut term, k);
        let mut sum = term.clone();
        let mut n = 1u64;
        loop {
            div(&mut term, k * k);
            n += 2;
            let mut t = term.clone();
            div(&mut t, n);
            if t.iter().all(|l| *l == 0) {
                break;
            }
            if (n / 2) % 2 == 1 {
                sub(&mut sum, &t);
            } else {
                add(&mut sum, &t);
            }
        }
        sum
    };
    let mut a = atan_inv(5);
    mul(&mut a, 16);
    let mut b = atan_inv(239);
    mul(&mut b, 4);
    sub(&mut a, &b);
    let mut all: Vec<u8> = a[0].to_string().bytes().map(|c| c - b'0').collect();
    let int_len = all.len();
    for limb in &a[1..] {
        all.extend(format!("{limb:09}").bytes().map(|c| c - b'0'));
    }
    // Round to `digits` significant digits.
    let round_up = all.get(digits).is_some_and(|d| *d >= 5);
    all.truncate(digits);
    if round_up {
        let mut i = all.len();
        while i > 0 {
            i -= 1;
            if all[i] == 9 {
                all[i] = 0;
            } else {
                all[i] += 1;
                break;
            }
        }
    }
    let text: String = all.iter().map(|d| char::from(b'0' + d)).collect();
    if digits <= int_len {
        return text;
    }
    format!("{}.{}", &text[..int_len], &text[int_len..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pi_is_rounded_to_significant_digits() {
        assert_eq!(pi(10), "3.141592654");
        assert_eq!(pi(1), "3");
        let long = pi(2000);
        assert_eq!(long.len(), 2001);
        assert!(long.starts_with("3.14159265358979323846264338327950288419716939937510"));
        // The end, as Python's decimal module computes π to 2000 significant digits.
        assert!(long.ends_with("643719172874677646575739624138908658326459958133904780275901"));
        // The Feynman point: six nines from the 762nd decimal.
        assert_eq!(&long[763..769], "999999");
    }
}
