//! Everything outside the shell: the simulated clock, the kind clusters, and the
//! programs that need them (`kubectl`, `kind`, `sleep`, `date`, and `jq` for its `now`).

use std::collections::BTreeMap;

use kubeniwa_core::rng::SimRng;
use kubeniwa_core::time::{rfc3339, Millis, EPOCH_START};
use kubeniwa_core::{Cluster, Request, Response};
use kubeniwa_kubectl::{ExecMode, ExecReply, ExecTarget, Job};
use kubeniwa_shell::{Host, Io};

/// The clock and the clusters at one moment (see [`World::checkpoint`]).
#[derive(Clone)]
pub struct Checkpoint {
    now: Millis,
    clusters: BTreeMap<String, Cluster>,
    rng: SimRng,
}

/// A port-forward: `localhost:LOCAL` → a pod's port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Forward {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    pub remote: u16,
}

/// A kind `extraPortMappings` entry: `localhost:HOST` → a node's port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPort {
    pub cluster: String,
    pub node_ip: String,
    pub container_port: u16,
}

/// The learner's machine: clock, clusters, and the seed they derive from.
pub struct World {
    /// When the clock started.
    pub(crate) start: Millis,
    pub(crate) now: Millis,
    /// kind clusters by name.
    pub(crate) clusters: BTreeMap<String, Cluster>,
    pub(crate) rng: SimRng,
    /// Container filesystems that exec sessions changed, by container.
    pub(crate) container_fs: BTreeMap<String, kubeniwa_shell::Vfs>,
    /// The files of persistent volumes (`cluster/pv-name` → relative path, contents),
    /// as the containers that mount them left them.
    pub(crate) volume_data: BTreeMap<String, Vec<(String, Vec<u8>)>>,
    /// An interactive session `kubectl exec -it` opened, for the terminal to enter.
    pub(crate) pending_session: Option<crate::container::Session>,
    /// `kubectl port-forward` listeners on the learner's machine, by local port.
    pub(crate) forwards: BTreeMap<u16, Forward>,
    /// Ports kind publishes on the learner's machine (`extraPortMappings`).
    pub(crate) host_ports: BTreeMap<u16, HostPort>,
    /// Whether the command running now may keep the terminal (it was typed alone at
    /// the learner's prompt).
    pub(crate) may_hold: bool,
    /// The command that holds the terminal, if any.
    pub(crate) held: Option<Held>,
    /// While the shell runs `cmd &`: the process id a command that keeps running
    /// detaches as, instead of holding the terminal.
    pub(crate) bg_slot: Option<u32>,
    pub(crate) bg_detached: bool,
    /// Background processes (`kubectl port-forward ... &`, `sleep 10 &`) by id.
    pub(crate) background: BTreeMap<u32, Background>,
    /// What it printed since the terminal last collected it, and its exit status once
    /// it has ended by itself.
    pub(crate) held_output: String,
    pub(crate) held_status: Option<i32>,
    /// Whether `kubectl edit` opens the page's editor (see [`crate::Sandbox::set_page_editor`]).
    pub(crate) page_editor: bool,
}

/// What holds the terminal.
pub(crate) enum Held {
    /// A command that keeps running (`get -w`, `logs -f`, `port-forward`, `sleep`).
    Job(Box<dyn Job>),
    /// `wait`: until these background processes have ended.
    Wait(Vec<u32>),
    /// `watch COMMAND`: a frame every interval until Ctrl-C.
    Watch(Box<crate::watch::Watch>),
}

/// A background process: running (its job) or ended with a status.
pub(crate) struct Background {
    pub job: Option<Box<dyn Job>>,
    pub status: i32,
}

/// `sleep N` in the background: ends at an instant.
struct Sleep {
    until: Millis,
}

impl Job for Sleep {
    fn poll(&mut self, backend: &mut dyn kubeniwa_kubectl::Backend, _out: &mut String) -> Option<i32> {
        (backend.now() >= self.until).then_some(0)
    }
    fn next_wake(&self) -> Option<Millis> {
        Some(self.until)
    }
}

/// Polls of a held command per `advance`, at most: a runaway timer loop cannot hang
/// the terminal (time then jumps to the end of the step).
const MAX_POLLS_PER_ADVANCE: u32 = 100_000;

impl World {
    pub fn new(seed: u64) -> World {
        World::starting_at(seed, EPOCH_START)
    }

    /// A world whose clock starts at `start` (ms since the Unix epoch) instead of
    /// [`EPOCH_START`]; `kubeniwa serve --start now` uses it so that a client computing
    /// ages from its own wall clock agrees with the simulation.
    pub fn starting_at(seed: u64, start: Millis) -> World {
        World { start, now: start, clusters: BTreeMap::new(), rng: SimRng::new(seed), container_fs: BTreeMap::new(), volume_data: BTreeMap::new(), pending_session: None, forwards: BTreeMap::new(), host_ports: BTreeMap::new(), may_hold: false, held: None, bg_slot: None, bg_detached: false, background: BTreeMap::new(), held_output: String::new(), held_status: None, page_editor: false }
    }

    /// Lets time pass everywhere. A command that holds the terminal is polled at
    /// every instant something happens in a cluster (each due timer), so it prints
    /// what it sees when it happens, with the ages of that instant.
    pub fn advance(&mut self, millis: Millis) {
        self.advance_held(millis, false);
    }

    /// As [`World::advance`]; with `stop_at_end`, time stops when the held command
    /// ends (the prompt comes back then).
    pub(crate) fn advance_held(&mut self, millis: Millis, stop_at_end: bool) {
        let target = self.now.saturating_add(millis);
        let mut polls = 0;
        while (self.held.is_some() || self.background_running()) && polls < MAX_POLLS_PER_ADVANCE {
            polls += 1;
            let wake = match &self.held {
                Some(Held::Job(j)) => j.next_wake(),
                Some(Held::Watch(w)) => Some(w.next),
                _ => None,
            };
            let bg_wake = self.background.values().filter_map(|b| b.job.as_ref().and_then(|j| j.next_wake())).min();
            let next = self.clusters.values().filter_map(|c| c.next_timer()).chain(wake).chain(bg_wake).min().map_or(target, |t| t.clamp(self.now, target));
            self.step_to(next);
            self.poll_background();
            self.poll_held();
            if self.now >= target {
                break;
            }
            if stop_at_end && self.held.is_none() {
                return;
            }
        }
        self.step_to(target);
    }

    fn step_to(&mut self, t: Millis) {
        self.now = self.now.max(t);
        let now = self.now;
        for c in self.clusters.values_mut() {
            c.advance_to(now);
        }
    }

    /// Lets the held command look at the world once.
    pub(crate) fn poll_held(&mut self) {
        let Some(held) = self.held.take() else { return };
        match held {
            Held::Job(mut job) => {
                let mut out = String::new();
                let ended = job.poll(self, &mut out);
                self.held_output.push_str(&out);
                match ended {
                    Some(status) => self.held_status = Some(status),
                    None => self.held = Some(Held::Job(job)),
                }
            }
            Held::Watch(mut watch) => {
                if self.now >= watch.next {
                    // What is already on its way to the terminal stays before the frame.
                    let before = std::mem::take(&mut self.held_output);
                    let frame = watch.frame(self);
                    let during = std::mem::replace(&mut self.held_output, before);
                    self.held_output.push_str(&during);
                    self.held_output.push_str(&frame);
                }
                self.held = Some(Held::Watch(watch));
            }
            Held::Wait(pids) => {
                let statuses: Vec<Option<i32>> = pids.iter().map(|p| self.background_status(*p)).collect();
                if statuses.iter().all(Option::is_some) {
                    self.held_status = Some(statuses.last().copied().flatten().unwrap_or(0));
                } else {
                    self.held = Some(Held::Wait(pids));
                }
            }
        }
    }

    /// Ctrl-C for the held command.
    pub(crate) fn interrupt_held(&mut self) {
        match self.held.take() {
            Some(Held::Job(mut job)) => job.interrupt(self),
            Some(Held::Watch(_)) => self.held_output.push_str(crate::watch::Watch::leave()),
            _ => {}
        }
    }

    fn background_running(&self) -> bool {
        self.background.values().any(|b| b.job.is_some())
    }

    /// A background process's status once it has ended; `None` while it runs.
    pub(crate) fn background_status(&self, pid: u32) -> Option<i32> {
        match self.background.get(&pid) {
            Some(b) if b.job.is_some() => None,
            Some(b) => Some(b.status),
            None => Some(0),
        }
    }

    /// Lets each background process look at the world once; what they print goes to
    /// the terminal.
    fn poll_background(&mut self) {
        let pids: Vec<u32> = self.background.iter().filter(|(_, b)| b.job.is_some()).map(|(p, _)| *p).collect();
        for pid in pids {
            let Some(mut job) = self.background.get_mut(&pid).and_then(|b| b.job.take()) else { continue };
            let mut out = String::new();
            let ended = job.poll(self, &mut out);
            self.held_output.push_str(&out);
            if let Some(b) = self.background.get_mut(&pid) {
                match ended {
                    Some(status) => b.status = status,
                    None => b.job = Some(job),
                }
            }
        }
    }

    /// Runs the held command to its end (at most [`crate::SETTLE_MS`]) where nothing may
    /// hold the terminal (a script's `fg` or `wait`), interrupting it then.
    fn run_held_to_end(&mut self) -> i32 {
        self.held_status = None;
        self.advance_held(crate::SETTLE_MS, true);
        if self.held.is_some() {
            self.interrupt_held();
            self.held_output.push_str("^C\n");
            return 130;
        }
        self.held_status.take().unwrap_or(0)
    }

    /// Forwards whose pod is gone have ended (kubectl exits when the pod goes).
    pub(crate) fn prune_forwards(&mut self) {
        let clusters = &self.clusters;
        self.forwards.retain(|_, f| {
            clusters
                .get(&f.cluster)
                .and_then(|c| c.get(&kubeniwa_core::ObjKey::pod(&f.namespace, &f.pod)))
                .is_some_and(|p| p["metadata"]["uid"] == f.pod_uid.as_str() && p["metadata"]["deletionTimestamp"].is_null())
        });
    }

    /// The names of the kind clusters, in order.
    pub fn cluster_names(&self) -> impl Iterator<Item = &str> {
        self.clusters.keys().map(String::as_str)
    }

    /// A kind cluster by name.
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters.get(name)
    }

    /// The simulated instant.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// A kind cluster by name, mutably (the native HTTP adapter serves its API).
    pub fn cluster_mut(&mut self, name: &str) -> Option<&mut Cluster> {
        self.clusters.get_mut(name)
    }

    /// A copy of the clock and the clusters, to try something and undo it (the
    /// differential test runs one command through two clients from the same state).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { now: self.now, clusters: self.clusters.clone(), rng: self.rng.clone() }
    }

    /// Puts back what [`World::checkpoint`] copied; the clock may move backwards.
    pub fn restore(&mut self, checkpoint: Checkpoint) {
        self.now = checkpoint.now;
        self.clusters = checkpoint.clusters;
        self.rng = checkpoint.rng;
    }

    /// The cluster whose API server listens at `server`.
    fn cluster_at(&mut self, server: &str) -> Option<&mut Cluster> {
        let name = self.cluster_name_at(server)?;
        self.clusters.get_mut(&name)
    }

    fn cluster_name_at(&self, server: &str) -> Option<String> {
        let port: u16 = server.rsplit(':').next()?.trim_end_matches('/').parse().ok()?;
        let local = server.contains("127.0.0.1") || server.contains("localhost");
        self.clusters.iter().find(|(_, c)| local && c.api_port == port).map(|(n, _)| n.clone())
    }
}

impl kubeniwa_kubectl::Backend for World {
    fn send(&mut self, server: &str, req: &Request) -> Option<Response> {
        let now = self.now;
        let cluster = self.cluster_at(server)?;
        cluster.advance_to(now);
        Some(cluster.handle(req))
    }

    fn now(&self) -> Millis {
        self.now
    }

    fn wait(&mut self, millis: Millis) {
        self.advance(millis);
    }

    fn can_hold(&self) -> bool {
        self.bg_slot.is_some() || (self.may_hold && self.held.is_none())
    }

    fn hold(&mut self, job: Box<dyn Job>) {
        if let Some(pid) = self.bg_slot.take() {
            self.background.insert(pid, Background { job: Some(job), status: 0 });
            self.bg_detached = true;
            return;
        }
        self.may_hold = false;
        self.held = Some(Held::Job(job));
    }

    fn page_editor(&self) -> bool {
        self.page_editor
    }

    fn get_url(&mut self, url: &str) -> kubeniwa_kubectl::UrlReply {
        use crate::urls::Answer;
        use kubeniwa_kubectl::UrlReply;
        match crate::urls::follow(url).last {
            Answer::Ok(body) => UrlReply::Body(body.to_string()),
            Answer::Status { code, .. } => UrlReply::Status(code, format!("{code} {}", crate::urls::reason(code))),
            Answer::Redirect { code, .. } => UrlReply::Error(format!("stopped after 10 redirects (last {code})")),
            Answer::NoSuchHost { host } => UrlReply::Error(format!("dial tcp: lookup {host} on 127.0.0.53:53: no such host")),
        }
    }

    fn stop_port_forward(&mut self, ports: &[u16]) {
        for p in ports {
            self.forwards.remove(p);
        }
    }

    fn port_forward(&mut self, server: &str, namespace: &str, pod: &str, ports: &[(u16, u16)]) -> Result<(), String> {
        let cluster = self.cluster_name_at(server).ok_or_else(|| format!("error: error upgrading connection: dial tcp {}: connect: connection refused", server.trim_start_matches("https://")))?;
        let uid = self
            .clusters
            .get(&cluster)
            .and_then(|c| c.get(&kubeniwa_core::ObjKey::pod(namespace, pod)))
            .and_then(|p| p["metadata"]["uid"].as_str().map(String::from))
            .unwrap_or_default();
        self.prune_forwards();
        let busy: Vec<(u16, u16)> = ports.iter().copied().filter(|(l, _)| self.forwards.contains_key(l) || self.host_ports.contains_key(l)).collect();
        if !busy.is_empty() {
            let mut msg = String::new();
            for (l, _) in &busy {
                msg.push_str(&format!("Unable to listen on port {l}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{l}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{l}: bind: address already in use]\n"));
            }
            let list: Vec<String> = ports.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
            msg.push_str(&format!("error: unable to listen on any of the requested ports: [{}]", list.join(" ")));
            return Err(msg);
        }
        for (l, r) in ports {
            self.forwards.insert(*l, Forward { cluster: cluster.clone(), namespace: namespace.into(), pod: pod.into(), pod_uid: uid.clone(), remote: *r });
        }
        Ok(())
    }

    fn exec(&mut self, server: &str, target: &ExecTarget, argv: &[String], stdin: &[u8], mode: ExecMode) -> ExecReply {
        let Some(cluster) = self.cluster_name_at(server) else {
            return ExecReply::Failed(format!("error: unable to upgrade connection: dial tcp {}: connect: connection refused", server.trim_start_matches("https://")));
        };
        let r = crate::container::ContainerRef { cluster, namespace: target.namespace.clone(), pod: target.pod.clone(), container: target.container.clone() };
        match mode {
            ExecMode::AttachEphemeral if !(argv.len() == 1 && matches!(argv[0].rsplit('/').next(), Some("sh" | "bash" | "ash"))) => {
                // A debug container's one-shot command (`-- curl ...`): it runs while
                // attached, prints, and the container ends with its status.
                let reply = crate::container::exec(self, &r, argv, stdin, false);
                let status = match &reply {
                    Ok(result) => result.status,
                    Err(_) => 128,
                };
                if let Some(cluster) = self.clusters.get_mut(&r.cluster) {
                    kubeniwa_core::kubelet::end_session(cluster, &r.namespace, &r.pod, &r.container, status);
                }
                match reply {
                    Ok(result) => ExecReply::Done { output: result.output, status: result.status },
                    Err(e) => ExecReply::Failed(e),
                }
            }
            ExecMode::Interactive | ExecMode::AttachEphemeral | ExecMode::AttachMain => {
                let program = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
                // `reattachMessage`: only a pod that restarts its containers always.
                let always = self
                    .clusters
                    .get(&r.cluster)
                    .and_then(|c| c.get(&kubeniwa_core::ObjKey::pod(&r.namespace, &r.pod)))
                    .is_some_and(|p| p["spec"]["restartPolicy"] == "Always");
                match crate::container::open_session(self, &r, &program) {
                    Ok(mut session) => {
                        if mode == ExecMode::AttachEphemeral {
                            session.end_note = Some(format!(
                                "Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach {} -c {} -i -t' if it is still running\n",
                                target.pod, target.container
                            ));
                        }
                        if mode == ExecMode::AttachMain {
                            session.end_note = Some(if always { format!("Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running\n", target.pod, target.container) } else { String::new() });
                        }
                        self.pending_session = Some(session);
                        ExecReply::Session
                    }
                    Err(e) => ExecReply::Failed(e),
                }
            }
            ExecMode::Run | ExecMode::Attach => match crate::container::exec(self, &r, argv, stdin, mode == ExecMode::Run) {
                Ok(result) => ExecReply::Done { output: result.output, status: result.status },
                Err(e) => ExecReply::Failed(e),
            },
        }
    }
}

impl Host for World {
    fn clock_ms(&self) -> u64 {
        self.now
    }

    fn knows(&self, name: &str) -> bool {
        matches!(name, "kubectl" | "kind" | "sleep" | "date" | "curl" | "wget" | "nslookup" | "jq" | "watch")
    }

    fn run(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32> {
        let status = self.run_program(argv, io);
        // What background processes printed while it ran (time passes in `sleep`,
        // `kubectl wait`...) shows on the terminal after it.
        if self.held.is_none() && !self.held_output.is_empty() {
            io.sink.write(kubeniwa_shell::Stream::Terminal, std::mem::take(&mut self.held_output).as_bytes());
        }
        status
    }

    fn begin_background(&mut self, pid: u32) -> bool {
        self.bg_slot = Some(pid);
        self.bg_detached = false;
        true
    }

    fn end_background(&mut self) -> bool {
        self.bg_slot = None;
        std::mem::take(&mut self.bg_detached)
    }

    fn job_status(&mut self, pid: u32) -> Option<i32> {
        self.background_status(pid)
    }

    fn kill_job(&mut self, pid: u32, signal: i32) {
        let Some(mut job) = self.background.get_mut(&pid).and_then(|b| b.job.take()) else { return };
        job.interrupt(self);
        if let Some(b) = self.background.get_mut(&pid) {
            b.status = 128 + signal;
        }
    }

    fn foreground_job(&mut self, pid: u32) -> Option<i32> {
        let job = self.background.get_mut(&pid).and_then(|b| b.job.take())?;
        self.background.remove(&pid);
        self.held = Some(Held::Job(job));
        if self.may_hold {
            self.may_hold = false;
            return None;
        }
        Some(self.run_held_to_end())
    }

    fn wait_jobs(&mut self, pids: &[u32]) -> Option<i32> {
        self.held = Some(Held::Wait(pids.to_vec()));
        if self.may_hold {
            self.may_hold = false;
            return None;
        }
        Some(self.run_held_to_end())
    }
}

impl World {
    fn run_program(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32> {
        let args = &argv[1..];
        Some(match argv[0].as_str() {
            "kubectl" => kubeniwa_kubectl::run(args, self, io),
            "kind" => crate::kind::run(args, self, io),
            "jq" => crate::jq::run(args, self.now, io),
            "sleep" => sleep(self, args, io),
            "watch" => crate::watch::run(self, args, io),
            "curl" => crate::net::curl(&mut crate::net::WorldNet { world: self, from: crate::net::From::Host }, args, io),
            "wget" => crate::net::wget(&mut crate::net::WorldNet { world: self, from: crate::net::From::Host }, args, io),
            "nslookup" => crate::net::nslookup(&mut crate::net::WorldNet { world: self, from: crate::net::From::Host }, args, io),
            "date" => {
                io.out(format!("{}\n", gnu_date(self.now)));
                0
            }
            _ => return None,
        })
    }
}

/// `sleep N[smhd]...`: advances the simulated clock.
fn sleep(world: &mut World, args: &[String], io: &mut Io<'_>) -> i32 {
    match sleep_millis(args) {
        Ok(ms) => {
            // An endless sleep would freeze the learner's terminal: cap it at a day.
            let millis = ms.min(86_400_000);
            if world.bg_slot.is_some() {
                // `sleep 10 &` runs on in the background while the prompt comes back.
                let until = world.now.saturating_add(millis);
                kubeniwa_kubectl::Backend::hold(world, Box::new(Sleep { until }));
                return 0;
            }
            world.advance(millis);
            0
        }
        Err(message) => {
            io.err(message);
            1
        }
    }
}

/// How long `sleep ARGS` sleeps (`infinity` is `u64::MAX`), or its error message.
pub(crate) fn sleep_millis(args: &[String]) -> Result<Millis, String> {
    if args.is_empty() {
        return Err("sleep: missing operand\nTry 'sleep --help' for more information.\n".into());
    }
    let mut total: f64 = 0.0;
    for a in args {
        let (num, unit) = match a.chars().last() {
            Some(c @ ('s' | 'm' | 'h' | 'd')) => (&a[..a.len() - 1], c),
            _ => (a.as_str(), 's'),
        };
        let value = if num == "infinity" || num == "inf" { Some(f64::INFINITY) } else { num.parse::<f64>().ok().filter(|v| *v >= 0.0) };
        let Some(v) = value else {
            return Err(format!("sleep: invalid time interval \u{2018}{a}\u{2019}\nTry 'sleep --help' for more information.\n"));
        };
        let factor = match unit {
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86_400.0,
            _ => 1.0,
        };
        total += v * factor;
    }
    let ms = total * 1000.0;
    Ok(if ms >= u64::MAX as f64 { u64::MAX } else { ms.round() as Millis })
}

/// `date` as GNU date prints it in the UTC zone: `Mon Nov 30 09:00:21 UTC 2026`.
pub fn gnu_date(t: Millis) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let s = rfc3339(t);
    let day_index = (t / 86_400_000) % 7;
    let month: usize = s[5..7].parse().unwrap_or(1);
    let day: u32 = s[8..10].parse().unwrap_or(1);
    format!("{} {} {day:>2} {} UTC {}", DAYS[day_index as usize], MONTHS[month - 1], &s[11..19], &s[0..4])
}

#[cfg(test)]
mod tests {
    #[test]
    fn date_prints_like_gnu() {
        assert_eq!(super::gnu_date(kubeniwa_core::time::EPOCH_START), "Mon Nov 30 09:00:00 UTC 2026");
    }
}
