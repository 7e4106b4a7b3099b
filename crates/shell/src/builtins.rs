//! Shell builtins: the commands that change or read the shell itself (`cd`, `export`,
//! `alias`, `read`, `source`, ...) or that run other commands (`xargs`, `env`, `command`).

use crate::interp::{clean, Ctl, Exec, Shell};
use crate::parse::is_name;
use crate::{programs, Host};

/// Names `type` calls shell builtins.
pub(crate) const BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "bash", "break", "builtin", "cd", "command", "compgen", "complete", "continue", "declare", "echo", "eval", "exec", "exit",
    "export", "false", "hash", "help", "history", "jobs", "let", "local", "logout", "printf", "pwd", "read", "readonly",
    "return", "set", "shift", "shopt", "source", "test", "time", "trap", "true", "type", "typeset", "umask", "unalias",
    "unset", "wait", "fg", "bg", "kill", "disown",
];

pub(crate) const KEYWORDS: &[&str] =
    &["!", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "then", "until", "while", "{", "}"];

impl Shell {
    /// Runs `argv` if it names a builtin.
    pub(crate) fn builtin(&mut self, host: &mut dyn Host, argv: &[String]) -> Option<Exec> {
        let args = &argv[1..];
        Some(match argv[0].as_str() {
            "cd" => Ok(self.cd(args)),
            "printf" if args.first().map(String::as_str) == Some("-v") => self.printf_to_var(args),
            "pwd" => {
                let cwd = self.cwd.clone();
                self.print_out(&format!("{cwd}\n"));
                Ok(0)
            }
            "export" => self.export(host, args),
            "readonly" => self.declare(args, false),
            "declare" | "typeset" => self.declare(args, true),
            "local" => {
                if self.locals.is_empty() {
                    self.print_err("bash: local: can only be used in a function\n");
                    return Some(Ok(1));
                }
                self.local(args)
            }
            "unset" => {
                let mut status = 0;
                let mut functions = false;
                for a in args {
                    match a.as_str() {
                        "-f" => functions = true,
                        "-v" => functions = false,
                        name if functions => {
                            self.functions.remove(name);
                        }
                        name if is_name(name) => {
                            self.unset(name);
                            if self.functions.contains_key(name) && !self.env.contains_key(name) {
                                // bash unsets a function when no variable had the name.
                            }
                        }
                        element if element.ends_with(']') && element.contains('[') => {
                            let (array, index) = element[..element.len() - 1].split_once('[').unwrap_or((element, "0"));
                            let i = match self.arith(index) {
                                Ok(i) => i,
                                Err(_) => return Some(Ok(1)),
                            };
                            if let Some(a) = self.arrays.get_mut(array) {
                                a.remove(&(i.max(0) as u64));
                            }
                        }
                        name => {
                            self.print_err(&format!("bash: unset: `{}': not a valid identifier\n", clean(name)));
                            status = 1;
                        }
                    }
                }
                Ok(status)
            }
            "alias" => Ok(self.alias(args)),
            "unalias" => {
                let mut status = 0;
                if args.is_empty() {
                    self.print_err("unalias: usage: unalias [-a] name [name ...]\n");
                    return Some(Ok(2));
                }
                for a in args {
                    if a == "-a" {
                        self.aliases.clear();
                    } else if self.aliases.remove(a.as_str()).is_none() {
                        self.print_err(&format!("bash: unalias: {}: not found\n", clean(a)));
                        status = 1;
                    }
                }
                Ok(status)
            }
            "source" | "." => self.source(host, &argv[0], args),
            "eval" => {
                let text = args.join(" ");
                if let Err(e) = self.enter() {
                    return Some(Err(e));
                }
                let r = self.run_lines(host, &text);
                self.depth -= 1;
                r
            }
            "exit" | "logout" => {
                let code = match args.first() {
                    None => self.status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.print_err(&format!("bash: exit: {}: numeric argument required\n", clean(a)));
                            2
                        }
                    },
                };
                Err(Ctl::Exit(code))
            }
            "return" => {
                if self.func_depth == 0 && self.locals.is_empty() && !self.in_source {
                    self.print_err("bash: return: can only `return' from a function or sourced script\n");
                    return Some(Ok(1));
                }
                let code = match args.first() {
                    None => self.status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.print_err(&format!("bash: return: {}: numeric argument required\n", clean(a)));
                            2
                        }
                    },
                };
                Err(Ctl::Return(code))
            }
            "break" | "continue" => {
                let n = match args.first().map(|a| a.parse::<u32>()) {
                    None => 1,
                    Some(Ok(n)) if n >= 1 => n,
                    Some(_) => {
                        let a = args[0].clone();
                        self.print_err(&format!("bash: {}: {}: loop count out of range\n", argv[0], clean(&a)));
                        return Some(Ok(1));
                    }
                };
                if self.loop_depth == 0 {
                    // bash complains but carries on with status 0.
                    self.print_err(&format!("bash: {}: only meaningful in a `for', `while', or `until' loop\n", argv[0]));
                    return Some(Ok(0));
                }
                let n = n.min(self.loop_depth);
                Err(if argv[0] == "break" { Ctl::Break(n) } else { Ctl::Continue(n) })
            }
            "shift" => {
                let n = match args.first().map(|a| a.parse::<usize>()) {
                    None => 1,
                    Some(Ok(n)) => n,
                    Some(Err(_)) => {
                        self.print_err(&format!("bash: shift: {}: numeric argument required\n", clean(&args[0])));
                        return Some(Ok(1));
                    }
                };
                if n > self.positional.len() {
                    return Some(Ok(1));
                }
                self.positional.drain(..n);
                Ok(0)
            }
            "set" => Ok(self.set(args)),
            "history" => {
                if args.first().map(String::as_str) == Some("-c") {
                    self.history.clear();
                    return Some(Ok(0));
                }
                let start = match args.first().and_then(|a| a.parse::<usize>().ok()) {
                    Some(n) => self.history.len().saturating_sub(n),
                    None => 0,
                };
                let mut out = String::new();
                for (i, line) in self.history.iter().enumerate().skip(start) {
                    out.push_str(&format!("{:>5}  {}\n", self.history_base + i as u64 + 1, line));
                }
                self.print_out(&out);
                Ok(0)
            }
            "type" => Ok(self.type_builtin(host, args)),
            "which" => Ok(self.which(host, args)),
            "command" => {
                match args.first().map(String::as_str) {
                    Some("-v") | Some("-V") => {
                        let verbose = args[0] == "-V";
                        let mut status = 0;
                        for name in &args[1..] {
                            match self.describe(host, name) {
                                Some((kind, text)) => {
                                    let line = if verbose {
                                        text
                                    } else {
                                        match kind {
                                            Kind::Alias => format!("alias {name}='{}'", self.aliases.get(name.as_str()).cloned().unwrap_or_default()),
                                            Kind::File(path) => path,
                                            _ => name.clone(),
                                        }
                                    };
                                    self.print_out(&format!("{line}\n"));
                                }
                                None => {
                                    if verbose {
                                        self.print_err(&format!("bash: command: {}: not found\n", clean(name)));
                                    }
                                    status = 1;
                                }
                            }
                        }
                        Ok(status)
                    }
                    None => Ok(0),
                    Some(_) => self.run_argv(host, args, true),
                }
            }
            "builtin" => match args.first() {
                None => Ok(0),
                Some(_) => match self.builtin(host, args) {
                    Some(r) => r,
                    None => match programs::lookup(&args[0]).filter(|_| BUILTINS.contains(&args[0].as_str())) {
                        Some(p) => Ok(self.run_program(args, p)),
                        None => {
                            self.print_err(&format!("bash: builtin: {}: not a shell builtin\n", clean(&args[0])));
                            Ok(1)
                        }
                    },
                },
            },
            "exec" => match args.first() {
                None => Ok(0),
                Some(_) => match self.run_argv(host, args, false) {
                    Ok(r) => Err(Ctl::Exit(r)),
                    Err(e) => Err(e),
                },
            },
            "time" => {
                // Real time is what the host's clock moved (a throttled server's answer,
                // a sleep); no CPU time is spent in this shell.
                let before = host.clock_ms();
                let r = if args.is_empty() { Ok(0) } else { self.run_argv(host, args, false) };
                let real = host.clock_ms().saturating_sub(before);
                self.print_err(&format!("\nreal\t{}m{}.{:03}s\nuser\t0m0.000s\nsys\t0m0.000s\n", real / 60_000, real % 60_000 / 1000, real % 1000));
                r
            }
            "read" => Ok(self.read(args)),
            "let" => {
                let mut last = 0;
                if args.is_empty() {
                    self.print_err("bash: let: expression expected\n");
                    return Some(Ok(1));
                }
                for a in args {
                    last = match self.arith(a) {
                        Ok(v) => v,
                        Err(_) => return Some(Ok(1)),
                    };
                }
                Ok((last == 0) as i32)
            }
            "env" | "printenv" => self.env_builtin(host, &argv[0], args),
            "xargs" => self.xargs(host, args),
            "bash" | "sh" => self.bash(host, args),
            // Accepted and ignored: no signals, jobs, completion or limits in this shell.
            "trap" | "shopt" | "hash" | "ulimit" | "complete" | "compgen" | "compopt" => Ok(0),
            "jobs" => Ok(self.jobs_builtin(host, args)),
            "fg" => Ok(self.fg_builtin(host, args)),
            "bg" => Ok(self.bg_builtin(host, args)),
            "wait" => Ok(self.wait_builtin(host, args)),
            "kill" => Ok(self.kill_builtin(host, args)),
            "disown" => Ok(self.disown_builtin(host, args)),
            // The learner is the only user; `sudo cmd` runs `cmd`.
            "sudo" => {
                let rest: Vec<String> = args.iter().skip_while(|a| a.starts_with('-')).cloned().collect();
                if rest.is_empty() {
                    self.print_err("usage: sudo command\n");
                    return Some(Ok(1));
                }
                let user = self.env.insert("USER".to_string(), "root".to_string());
                let r = self.run_argv(host, &rest, false);
                match user {
                    Some(u) => self.env.insert("USER".to_string(), u),
                    None => self.env.remove("USER"),
                };
                r
            }
            "umask" => {
                if args.is_empty() {
                    self.print_out("0022\n");
                }
                Ok(0)
            }
            "help" => {
                self.print_out("Kubeniwa shell: a bash-like shell running in your browser.\nType `type NAME` to learn what a command is.\n");
                Ok(0)
            }
            _ => return None,
        })
    }

    /// Finds a job by `%N`, `%%`, `%+`, `%-`, `%string` (its command starts so) or
    /// none (the current job); the index in the table, or bash's error text.
    fn find_job(&self, spec: Option<&str>) -> Result<usize, String> {
        let n = self.jobs.len();
        match spec {
            None | Some("%%") | Some("%+") | Some("%") => n.checked_sub(1).ok_or_else(|| "current: no such job".to_string()),
            Some("%-") => n.checked_sub(if n >= 2 { 2 } else { 1 }).ok_or_else(|| "previous: no such job".to_string()),
            Some(spec) => {
                let body = spec.strip_prefix('%').unwrap_or(spec);
                let found = match body.parse::<u32>() {
                    Ok(num) => self.jobs.iter().position(|j| j.number == num),
                    Err(_) => self.jobs.iter().rposition(|j| j.text.starts_with(body)),
                };
                found.ok_or_else(|| format!("{}: no such job", clean(spec)))
            }
        }
    }

    /// `jobs [-l|-p]`: the background jobs, with those that ended reported (once).
    fn jobs_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let mut long = false;
        let mut pids = false;
        let mut specs = Vec::new();
        for a in args {
            match a.as_str() {
                "-l" => long = true,
                "-p" => pids = true,
                "-r" | "-s" | "-n" => {}
                s if s.starts_with('-') && s.len() > 1 => {
                    self.print_err(&format!("bash: jobs: {}: invalid option\njobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n", clean(&s[..2])));
                    return 2;
                }
                s => specs.push(s.to_string()),
            }
        }
        let mut chosen = Vec::new();
        if specs.is_empty() {
            chosen = (0..self.jobs.len()).collect();
        } else {
            for spec in &specs {
                match self.find_job(Some(spec)) {
                    Ok(i) => chosen.push(i),
                    Err(e) => {
                        self.print_err(&format!("bash: jobs: {e}\n"));
                        return 1;
                    }
                }
            }
        }
        let mut out = String::new();
        let mut ended = Vec::new();
        for i in chosen {
            let job = self.jobs[i].clone();
            let status = self.job_status(host, &job);
            if pids {
                out.push_str(&format!("{}\n", job.pid));
                continue;
            }
            let state = crate::interp::job_state_text(status);
            let text = if status.is_none() { format!("{} &", job.text) } else { job.text.clone() };
            let mark = self.job_mark(i);
            if long {
                out.push_str(&format!("[{}]{} {} {:<24}{}\n", job.number, mark, job.pid, state, text));
            } else {
                out.push_str(&format!("[{}]{}  {:<24}{}\n", job.number, mark, state, text));
            }
            if status.is_some() {
                ended.push(job.number);
            }
        }
        self.print_out(&out);
        self.jobs.retain(|j| !ended.contains(&j.number));
        0
    }

    /// `fg [%N]`: the job takes the terminal again (Ctrl-C then stops it).
    fn fg_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let i = match self.find_job(args.first().map(String::as_str)) {
            Ok(i) => i,
            Err(e) => {
                self.print_err(&format!("bash: fg: {e}\n"));
                return 1;
            }
        };
        let job = self.jobs[i].clone();
        if let Some(status) = self.job_status(host, &job) {
            // It ended before: bash reports it as it takes it off the table.
            self.jobs.remove(i);
            self.print_err("bash: fg: job has terminated\n");
            let _ = status;
            return 1;
        }
        self.jobs.remove(i);
        self.print_out(&format!("{}\n", job.text));
        host.foreground_job(job.pid).unwrap_or(0)
    }

    /// `bg`: every job here is already running in the background.
    fn bg_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let i = match self.find_job(args.first().map(String::as_str)) {
            Ok(i) => i,
            Err(e) => {
                self.print_err(&format!("bash: bg: {e}\n"));
                return 1;
            }
        };
        let job = self.jobs[i].clone();
        if self.job_status(host, &job).is_some() {
            self.print_err("bash: bg: job has terminated\n");
        } else {
            self.print_err(&format!("bash: bg: job {} already in background\n", job.number));
        }
        1
    }

    /// `wait [%N|PID...]`: waits for the background jobs to end.
    fn wait_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let mut pids = Vec::new();
        let mut last_known: Option<i32> = None;
        let specs: Vec<&String> = args.iter().filter(|a| !matches!(a.as_str(), "-n" | "-f")).collect();
        if specs.is_empty() {
            let jobs = self.jobs.clone();
            for job in &jobs {
                if job.state == crate::interp::JobRun::Host && self.job_status(host, job).is_none() {
                    pids.push(job.pid);
                }
            }
        }
        for spec in specs {
            if spec.starts_with('%') {
                match self.find_job(Some(spec)) {
                    Ok(i) => {
                        let job = self.jobs[i].clone();
                        match self.job_status(host, &job) {
                            None => pids.push(job.pid),
                            Some(s) => last_known = Some(s),
                        }
                    }
                    Err(e) => {
                        self.print_err(&format!("bash: wait: {e}\n"));
                        last_known = Some(127);
                    }
                }
            } else if let Ok(pid) = spec.parse::<u32>() {
                match self.jobs.iter().find(|j| j.pid == pid).cloned() {
                    Some(job) => match self.job_status(host, &job) {
                        None => pids.push(job.pid),
                        Some(s) => last_known = Some(s),
                    },
                    None => {
                        self.print_err(&format!("bash: wait: pid {pid} is not a child of this shell\n"));
                        last_known = Some(127);
                    }
                }
            } else {
                self.print_err(&format!("bash: wait: `{}': not a pid or valid job spec\n", clean(spec)));
                last_known = Some(2);
            }
        }
        if pids.is_empty() {
            return if args.is_empty() { 0 } else { last_known.unwrap_or(0) };
        }
        host.wait_jobs(&pids).unwrap_or(0)
    }

    /// `kill [-s SIG | -SIG] %N|PID...`: ends background jobs.
    fn kill_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        const USAGE: &str = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";
        const SIGNALS: [(&str, i32); 9] = [("HUP", 1), ("INT", 2), ("QUIT", 3), ("KILL", 9), ("USR1", 10), ("USR2", 12), ("TERM", 15), ("CONT", 18), ("STOP", 19)];
        let signal_of = |text: &str| -> Option<i32> {
            let t = text.strip_prefix("SIG").unwrap_or(text).to_ascii_uppercase();
            t.parse::<i32>().ok().filter(|n| (0..=64).contains(n)).or_else(|| SIGNALS.iter().find(|(n, _)| *n == t).map(|(_, v)| *v))
        };
        let mut signal = 15;
        let mut rest = args;
        if let Some(first) = rest.first() {
            if first == "-l" || first == "-L" {
                self.print_out(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\n11) SIGSEGV\t12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\n");
                return 0;
            }
            if first == "-s" || first == "-n" {
                let Some(name) = rest.get(1) else {
                    self.print_err(&format!("bash: kill: {first}: option requires an argument\n{USAGE}"));
                    return 2;
                };
                match signal_of(name) {
                    Some(s) => signal = s,
                    None => {
                        self.print_err(&format!("bash: kill: {}: invalid signal specification\n", clean(name)));
                        return 1;
                    }
                }
                rest = &rest[2..];
            } else if let Some(name) = first.strip_prefix('-').filter(|n| !n.is_empty()) {
                match signal_of(name) {
                    Some(s) => signal = s,
                    None => {
                        self.print_err(&format!("bash: kill: {}: invalid signal specification\n", clean(name)));
                        return 1;
                    }
                }
                rest = &rest[1..];
            }
        }
        if rest.is_empty() {
            self.print_err(USAGE);
            return 2;
        }
        let mut status = 0;
        for target in rest {
            let job = if target.starts_with('%') {
                match self.find_job(Some(target)) {
                    Ok(i) => Some(self.jobs[i].clone()),
                    Err(e) => {
                        self.print_err(&format!("bash: kill: {e}\n"));
                        status = 1;
                        continue;
                    }
                }
            } else if let Ok(pid) = target.parse::<u32>() {
                match self.jobs.iter().find(|j| j.pid == pid) {
                    Some(j) => Some(j.clone()),
                    None => {
                        self.print_err(&format!("bash: kill: ({pid}) - No such process\n"));
                        status = 1;
                        continue;
                    }
                }
            } else {
                self.print_err(&format!("bash: kill: {}: arguments must be process or job IDs\n", clean(target)));
                status = 1;
                continue;
            };
            let Some(job) = job else { continue };
            match self.job_status(host, &job) {
                None => {
                    if signal != 0 {
                        host.kill_job(job.pid, signal);
                    }
                }
                Some(_) => {
                    if target.starts_with('%') {
                        self.print_err(&format!("bash: kill: {}: no such job\n", clean(target)));
                    } else {
                        self.print_err(&format!("bash: kill: ({}) - No such process\n", job.pid));
                    }
                    status = 1;
                }
            }
        }
        status
    }

    /// `disown [%N]`: the job leaves the table (it keeps running).
    fn disown_builtin(&mut self, _host: &mut dyn Host, args: &[String]) -> i32 {
        if args.first().map(String::as_str) == Some("-a") {
            self.jobs.clear();
            return 0;
        }
        match self.find_job(args.first().map(String::as_str)) {
            Ok(i) => {
                self.jobs.remove(i);
                0
            }
            Err(e) => {
                self.print_err(&format!("bash: disown: {e}\n"));
                1
            }
        }
    }

    /// `printf -v NAME FORMAT ARGS...`: the output goes into a variable.
    fn printf_to_var(&mut self, args: &[String]) -> Exec {
        let Some(name) = args.get(1).cloned() else {
            self.print_err("bash: printf: -v: option requires an argument\nprintf: usage: printf [-v var] format [arguments]\n");
            return Ok(2);
        };
        if !is_name(&name) {
            self.print_err(&format!("bash: printf: `{}': not a valid identifier\n", clean(&name)));
            return Ok(2);
        }
        let mut argv = vec!["printf".to_string()];
        argv.extend(args[2..].iter().cloned());
        let chan = self.out.open();
        let saved = self.fds;
        self.fds.out = crate::interp::Target::Chan(chan);
        let status = self.run_program(&argv, |ctx| programs::lookup("printf").map(|p| p(ctx)).unwrap_or(1));
        self.fds = saved;
        let data = self.out.take(chan);
        self.assign(&name, String::from_utf8_lossy(&data).into_owned())?;
        Ok(status)
    }

    /// Runs a command line given as words (for `command`, `exec`, `env`, `xargs`).
    pub(crate) fn run_argv(&mut self, host: &mut dyn Host, argv: &[String], skip_functions: bool) -> Exec {
        if argv.is_empty() {
            return Ok(0);
        }
        self.tick()?;
        if skip_functions {
            let saved = self.functions.remove(&argv[0]);
            let r = self.dispatch(host, argv);
            if let Some(f) = saved {
                self.functions.insert(argv[0].clone(), f);
            }
            return r;
        }
        self.dispatch(host, argv)
    }

    fn cd(&mut self, args: &[String]) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| !matches!(a.as_str(), "-L" | "-P" | "--")).collect();
        if args.len() > 1 {
            self.print_err("bash: cd: too many arguments\n");
            return 1;
        }
        let (target, print) = match args.first().map(|s| s.as_str()) {
            None | Some("~") => match self.var("HOME") {
                Some(h) if !h.is_empty() => (h.to_string(), false),
                _ => {
                    self.print_err("bash: cd: HOME not set\n");
                    return 1;
                }
            },
            Some("-") => match self.var("OLDPWD") {
                Some(o) if !o.is_empty() => (o.to_string(), true),
                _ => {
                    self.print_err("bash: cd: OLDPWD not set\n");
                    return 1;
                }
            },
            Some("") => return 0,
            Some(dir) => (dir.to_string(), false),
        };
        let path = self.resolve(&target);
        match self.vfs.metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let old = std::mem::replace(&mut self.cwd, path.clone());
                self.set_exported_or_var("OLDPWD", old);
                self.set_exported_or_var("PWD", path.clone());
                if print {
                    self.print_out(&format!("{path}\n"));
                }
                0
            }
            Ok(_) => {
                self.print_err(&format!("bash: cd: {}: Not a directory\n", clean(&target)));
                1
            }
            Err(e) => {
                self.print_err(&format!("bash: cd: {}: {e}\n", clean(&target)));
                1
            }
        }
    }

    fn set_exported_or_var(&mut self, name: &str, value: String) {
        if name == "OLDPWD" && !self.env.contains_key(name) && !self.vars.contains_key(name) {
            self.env.insert(name.to_string(), value);
            return;
        }
        let _ = self.assign(name, value);
    }

    fn export(&mut self, _host: &mut dyn Host, args: &[String]) -> Exec {
        let mut status = 0;
        let mut unexport = false;
        let names: Vec<&String> = args
            .iter()
            .filter(|a| match a.as_str() {
                "-n" => {
                    unexport = true;
                    false
                }
                "-p" | "-f" | "--" => false,
                _ => true,
            })
            .collect();
        if names.is_empty() {
            let mut out = String::new();
            for (k, v) in &self.env {
                out.push_str(&format!("declare -x {k}=\"{}\"\n", v.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$")));
            }
            self.print_out(&out);
            return Ok(0);
        }
        for a in names {
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n.trim_end_matches('+'), Some((v.to_string(), n.ends_with('+')))),
                None => (a.as_str(), None),
            };
            if !is_name(name) {
                self.print_err(&format!("bash: export: `{}': not a valid identifier\n", clean(a)));
                status = 1;
                continue;
            }
            if unexport {
                if let Some(v) = self.env.remove(name) {
                    self.vars.insert(name.to_string(), v);
                }
                continue;
            }
            let current = self.vars.remove(name).or_else(|| self.env.get(name).cloned());
            let value = match value {
                Some((v, true)) => Some(format!("{}{v}", current.clone().unwrap_or_default())),
                Some((v, false)) => Some(v),
                None => current,
            };
            match value {
                Some(v) => {
                    self.env.insert(name.to_string(), v);
                }
                None => {
                    // `export NAME` with no value marks it; bash shows it in `export -p` without a value.
                    self.env.insert(name.to_string(), String::new());
                }
            }
        }
        Ok(status)
    }

    fn declare(&mut self, args: &[String], allow_x: bool) -> Exec {
        let mut export = false;
        let mut status = 0;
        let mut names = Vec::new();
        for a in args {
            if let Some(flags) = a.strip_prefix('-') {
                if flags.contains('x') && allow_x {
                    export = true;
                }
                continue;
            }
            names.push(a.clone());
        }
        if names.is_empty() {
            let mut out = String::new();
            let mut all: Vec<(&String, &String)> = self.env.iter().chain(self.vars.iter()).collect();
            all.sort();
            for (k, v) in all {
                out.push_str(&format!("{k}={}\n", programs_quote(v)));
            }
            self.print_out(&out);
            return Ok(0);
        }
        for a in names {
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if !is_name(&name) {
                self.print_err(&format!("bash: declare: `{}': not a valid identifier\n", clean(&a)));
                status = 1;
                continue;
            }
            if !self.locals.is_empty() && !export {
                self.save_local(&name);
            }
            let v = value.or_else(|| self.var(&name).map(str::to_string)).unwrap_or_default();
            if export {
                self.vars.remove(&name);
                self.env.insert(name, v);
            } else {
                self.assign(&name, v)?;
            }
        }
        Ok(status)
    }

    fn save_local(&mut self, name: &str) {
        let old = match (self.env.get(name), self.vars.get(name)) {
            (Some(v), _) => Some((v.clone(), true)),
            (None, Some(v)) => Some((v.clone(), false)),
            _ => None,
        };
        if let Some(frame) = self.locals.last_mut() {
            if !frame.iter().any(|(n, _)| n == name) {
                frame.push((name.to_string(), old));
            }
        }
    }

    fn local(&mut self, args: &[String]) -> Exec {
        let mut status = 0;
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if !is_name(&name) {
                self.print_err(&format!("bash: local: `{}': not a valid identifier\n", clean(a)));
                status = 1;
                continue;
            }
            self.save_local(&name);
            let exported = self.env.contains_key(&name);
            self.env.remove(&name);
            self.vars.remove(&name);
            let v = value.unwrap_or_default();
            if exported {
                self.env.insert(name, v);
            } else {
                self.vars.insert(name, v);
            }
        }
        Ok(status)
    }

    fn alias(&mut self, args: &[String]) -> i32 {
        let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
        if args.is_empty() {
            let mut out = String::new();
            for (k, v) in &self.aliases {
                out.push_str(&format!("alias {k}={}\n", single_quote(v)));
            }
            self.print_out(&out);
            return 0;
        }
        let mut status = 0;
        for a in args {
            match a.split_once('=') {
                Some((name, value)) => {
                    if name.is_empty() || name.contains(['/', '$', '`', '=', ' ', '\t', '\n', '\'', '"']) {
                        self.print_err(&format!("bash: alias: `{}': invalid alias name\n", clean(name)));
                        status = 1;
                        continue;
                    }
                    self.aliases.insert(name.to_string(), value.to_string());
                }
                None => match self.aliases.get(a.as_str()).cloned() {
                    Some(v) => self.print_out(&format!("alias {a}={}\n", single_quote(&v))),
                    None => {
                        self.print_err(&format!("bash: alias: {}: not found\n", clean(a)));
                        status = 1;
                    }
                },
            }
        }
        status
    }

    fn source(&mut self, host: &mut dyn Host, name: &str, args: &[String]) -> Exec {
        let Some(file) = args.first() else {
            self.print_err(&format!("bash: {name}: filename argument required\n{name}: usage: {name} filename [arguments]\n"));
            return Ok(2);
        };
        let path = self.resolve(file);
        let text = match self.vfs.read(&path) {
            Ok(d) => String::from_utf8_lossy(d).into_owned(),
            Err(e) => {
                self.print_err(&format!("bash: {}: {e}\n", clean(file)));
                return Ok(1);
            }
        };
        self.enter()?;
        let saved_args = if args.len() > 1 { Some(std::mem::replace(&mut self.positional, args[1..].to_vec())) } else { None };
        let was = std::mem::replace(&mut self.in_source, true);
        let saved_script = self.script.replace(file.clone());
        let saved_line = self.lineno;
        let r = self.run_lines_tracked(host, &text, true);
        self.script = saved_script;
        self.lineno = saved_line;
        self.in_source = was;
        if let Some(a) = saved_args {
            self.positional = a;
        }
        self.depth -= 1;
        match r {
            Err(Ctl::Return(n)) => Ok(n),
            other => other,
        }
    }

    fn set(&mut self, args: &[String]) -> i32 {
        if args.is_empty() {
            let mut all: Vec<(String, String)> = self.env.iter().chain(self.vars.iter()).map(|(k, v)| (k.clone(), v.clone())).collect();
            all.sort();
            let mut out = String::new();
            for (k, v) in all {
                out.push_str(&format!("{k}={}\n", programs_quote(&v)));
            }
            self.print_out(&out);
            return 0;
        }
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if a == "--" {
                self.positional = args[i + 1..].to_vec();
                return 0;
            }
            let (on, flags) = match (a.strip_prefix('-'), a.strip_prefix('+')) {
                (Some(f), _) => (true, f),
                (_, Some(f)) => (false, f),
                _ => {
                    self.positional = args[i..].to_vec();
                    return 0;
                }
            };
            for c in flags.chars() {
                match c {
                    'e' => self.errexit = on,
                    'u' => self.nounset = on,
                    'o' => {
                        // `set -o name`, also inside a cluster: `set -euo pipefail`.
                        i += 1;
                        match args.get(i).map(String::as_str) {
                            Some("errexit") => self.errexit = on,
                            Some("nounset") => self.nounset = on,
                            Some("pipefail") => self.pipefail = on,
                            Some("xtrace") | Some("noclobber") | Some("vi") | Some("emacs") | Some("noglob") | Some("verbose") => {}
                            Some(other) => {
                                self.print_err(&format!("bash: set: {}: invalid option name\n", clean(other)));
                                return 1;
                            }
                            None => {}
                        }
                    }
                    'x' | 'v' | 'f' | 'C' | 'h' | 'B' | 'm' => {}
                    other => {
                        self.print_err(&format!("bash: set: -{other}: invalid option\nset: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n"));
                        return 2;
                    }
                }
            }
            i += 1;
        }
        0
    }

    fn describe(&mut self, host: &mut dyn Host, name: &str) -> Option<(Kind, String)> {
        if let Some(v) = self.aliases.get(name) {
            return Some((Kind::Alias, format!("{name} is aliased to `{v}'")));
        }
        if KEYWORDS.contains(&name) {
            return Some((Kind::Keyword, format!("{name} is a shell keyword")));
        }
        if let Some(f) = self.functions.get(name) {
            return Some((Kind::Function, format!("{name} is a function\n{}", f.source)));
        }
        if BUILTINS.contains(&name) {
            return Some((Kind::Builtin, format!("{name} is a shell builtin")));
        }
        self.path_of(host, name).map(|p| (Kind::File(p.clone()), format!("{name} is {p}")))
    }

    /// Where a program lives on the imaginary PATH.
    fn path_of(&mut self, host: &mut dyn Host, name: &str) -> Option<String> {
        if name.contains('/') {
            let p = self.resolve(name);
            return self.vfs.is_file(&p).then(|| name.to_string());
        }
        if programs::NAMES.contains(&name) || matches!(name, "env" | "printenv" | "xargs" | "bash" | "sh" | "which" | "sudo") {
            let dir = if matches!(name, "bash" | "sh") { "/bin" } else { "/usr/bin" };
            return Some(format!("{dir}/{name}"));
        }
        if host.knows(name) {
            return Some(format!("/usr/local/bin/{name}"));
        }
        None
    }

    fn type_builtin(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let mut terse = false;
        let mut status = 0;
        for a in args {
            if a == "-t" {
                terse = true;
                continue;
            }
            if a.starts_with('-') {
                continue;
            }
            match self.describe(host, a) {
                Some((kind, text)) => {
                    if terse {
                        let t = match kind {
                            Kind::Alias => "alias",
                            Kind::Keyword => "keyword",
                            Kind::Function => "function",
                            Kind::Builtin => "builtin",
                            Kind::File(_) => "file",
                        };
                        self.print_out(&format!("{t}\n"));
                    } else {
                        self.print_out(&format!("{text}\n"));
                    }
                }
                None => {
                    if !terse {
                        self.print_err(&format!("bash: type: {}: not found\n", clean(a)));
                    }
                    status = 1;
                }
            }
        }
        status
    }

    fn which(&mut self, host: &mut dyn Host, args: &[String]) -> i32 {
        let mut status = 0;
        let mut any = false;
        for a in args.iter().filter(|a| !a.starts_with('-')) {
            any = true;
            let found = if BUILTINS.contains(&a.as_str()) && !programs::NAMES.contains(&a.as_str()) { None } else { self.path_of(host, a) };
            match found {
                Some(p) => self.print_out(&format!("{p}\n")),
                None => status = 1,
            }
        }
        if !any {
            return 1;
        }
        status
    }

    /// `read [-r] [-p prompt] [name...]`: one line of stdin into variables.
    fn read(&mut self, args: &[String]) -> i32 {
        let mut raw = false;
        let mut names = Vec::new();
        let mut array: Option<String> = None;
        let mut delim = '\n';
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-r" => raw = true,
                "-p" | "-t" | "-n" | "-u" => i += 1,
                "-s" | "-e" => {}
                "-d" => {
                    i += 1;
                    delim = args.get(i).and_then(|d| d.chars().next()).unwrap_or('\0');
                }
                "-a" => {
                    i += 1;
                    match args.get(i) {
                        Some(n) if is_name(n) => array = Some(n.clone()),
                        _ => {
                            self.print_err("bash: read: -a: option requires an argument\n");
                            return 2;
                        }
                    }
                }
                n if n.starts_with('-') => {}
                n => {
                    if !is_name(n) {
                        self.print_err(&format!("bash: read: `{}': not a valid identifier\n", clean(n)));
                        return 1;
                    }
                    names.push(n.to_string());
                }
            }
            i += 1;
        }
        if names.is_empty() {
            names.push("REPLY".to_string());
        }
        let data = &self.stdin.data;
        let start = self.stdin.pos.min(data.len());
        if start >= data.len() {
            for n in &names {
                let _ = self.assign(n, String::new());
            }
            return 1;
        }
        let rest = &data[start..];
        let (line_bytes, consumed, complete) = match rest.iter().position(|b| *b as char == delim) {
            Some(i) => (&rest[..i], i + 1, true),
            None => (rest, rest.len(), false),
        };
        let mut line = String::from_utf8_lossy(line_bytes).into_owned();
        self.stdin.pos = start + consumed;
        if !raw {
            let mut out = String::new();
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            line = out;
        }
        let ifs = self.var("IFS").unwrap_or(" \t\n").to_string();
        let is_ifs = |c: char| ifs.contains(c);
        if let Some(name) = array {
            // Whitespace separators merge; other IFS characters each end a field.
            let words: Vec<&str> = if ifs.chars().all(char::is_whitespace) {
                line.split(is_ifs).filter(|w| !w.is_empty()).collect()
            } else {
                let trimmed = line.trim_matches(|c: char| is_ifs(c) && c.is_whitespace());
                let mut v: Vec<&str> = trimmed.split(is_ifs).collect();
                if v.last() == Some(&"") {
                    v.pop();
                }
                v
            };
            let items: std::collections::BTreeMap<u64, String> =
                words.into_iter().enumerate().map(|(k, w)| (k as u64, w.to_string())).collect();
            self.unset(&name);
            self.arrays.insert(name, items);
            return if complete { 0 } else { 1 };
        }
        let mut rest: &str = line.trim_start_matches(is_ifs);
        for (k, name) in names.iter().enumerate() {
            let value = if k + 1 == names.len() {
                rest.trim_end_matches(|c: char| is_ifs(c) && c.is_whitespace()).to_string()
            } else {
                let end = rest.find(is_ifs).unwrap_or(rest.len());
                let v = rest[..end].to_string();
                rest = rest[end..].trim_start_matches(is_ifs);
                v
            };
            let _ = self.assign(name, value);
        }
        if complete {
            0
        } else {
            1
        }
    }

    fn env_builtin(&mut self, host: &mut dyn Host, name: &str, args: &[String]) -> Exec {
        if name == "printenv" {
            let mut out = String::new();
            let mut status = 0;
            if args.is_empty() {
                for (k, v) in &self.env {
                    out.push_str(&format!("{k}={v}\n"));
                }
            } else {
                for a in args {
                    match self.env.get(a) {
                        Some(v) => {
                            out.push_str(v);
                            out.push('\n');
                        }
                        None => status = 1,
                    }
                }
            }
            self.print_out(&out);
            return Ok(status);
        }
        let mut i = 0;
        let mut assigns = Vec::new();
        let mut clear = false;
        while i < args.len() {
            let a = &args[i];
            if a == "-i" || a == "-" {
                clear = true;
            } else if a == "-u" {
                i += 1;
            } else if let Some((k, v)) = a.split_once('=').filter(|(k, _)| is_name(k)) {
                assigns.push((k.to_string(), v.to_string()));
            } else {
                break;
            }
            i += 1;
        }
        let saved = self.env.clone();
        if clear {
            self.env.clear();
        }
        for (k, v) in assigns {
            self.vars.remove(&k);
            self.env.insert(k, v);
        }
        let r = if i >= args.len() {
            let mut out = String::new();
            for (k, v) in &self.env {
                out.push_str(&format!("{k}={v}\n"));
            }
            self.print_out(&out);
            Ok(0)
        } else {
            let cmd = &args[i..];
            let name = cmd[0].as_str();
            let unknown = !name.contains('/') && programs::lookup(name).is_none() && !host.knows(name) && !BUILTINS.contains(&name) && !matches!(name, "env" | "printenv" | "xargs" | "sudo" | "bash" | "sh");
            if self.builtin_names_only(name) || unknown {
                self.print_err(&format!("env: \u{2018}{}\u{2019}: No such file or directory\n", clean(name)));
                Ok(127)
            } else {
                let saved_fns = std::mem::take(&mut self.functions);
                let r = self.run_argv(host, cmd, false);
                self.functions = saved_fns;
                r
            }
        };
        self.env = saved;
        r
    }

    /// Builtins that exist only inside the shell (`env cd` cannot find them).
    fn builtin_names_only(&self, name: &str) -> bool {
        matches!(name, "cd" | "export" | "alias" | "unalias" | "source" | "." | "set" | "unset" | "local" | "return" | "exit" | "shift" | "history" | "read" | "declare" | "eval")
    }

    fn xargs(&mut self, host: &mut dyn Host, args: &[String]) -> Exec {
        let mut i = 0;
        let mut max_args: Option<usize> = None;
        let mut replace: Option<String> = None;
        let mut null = false;
        let mut no_run_empty = false;
        let mut delim: Option<char> = None;
        while i < args.len() {
            let a = args[i].as_str();
            match a {
                "-n" | "-L" => {
                    i += 1;
                    max_args = args.get(i).and_then(|n| n.parse().ok()).filter(|n| *n > 0);
                }
                "-I" => {
                    i += 1;
                    replace = args.get(i).cloned();
                }
                "-0" | "--null" => null = true,
                "-r" | "--no-run-if-empty" => no_run_empty = true,
                "-t" | "-p" => {}
                "-d" => {
                    i += 1;
                    delim = args.get(i).and_then(|d| unescape_one(d));
                }
                s if s.starts_with("-n") && s.len() > 2 => max_args = s[2..].parse().ok(),
                s if s.starts_with("-I") && s.len() > 2 => replace = Some(s[2..].to_string()),
                "-i" => replace = Some("{}".to_string()),
                s if s.starts_with('-') && s.len() > 1 => {
                    self.print_err(&format!("xargs: invalid option -- '{}'\n", s.chars().nth(1).unwrap_or('-')));
                    return Ok(1);
                }
                _ => break,
            }
            i += 1;
        }
        let mut cmd: Vec<String> = args.get(i..).map(<[String]>::to_vec).unwrap_or_default();
        if cmd.is_empty() {
            cmd.push("echo".to_string());
        }
        let pos = self.stdin.pos.min(self.stdin.data.len());
        let input = String::from_utf8_lossy(&self.stdin.data[pos..]).into_owned();
        self.stdin.pos = self.stdin.data.len();
        let items: Vec<String> = if null {
            input.split('\0').filter(|s| !s.is_empty()).map(str::to_string).collect()
        } else if let Some(d) = delim {
            input.split(d).filter(|s| !s.is_empty()).map(str::to_string).collect()
        } else if replace.is_some() {
            input.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
        } else {
            match split_xargs(&input) {
                Ok(items) => items,
                Err(q) => {
                    self.print_err(&format!("xargs: unmatched {q} quote; by default quotes are special to xargs unless you use the -0 option\n"));
                    return Ok(1);
                }
            }
        };
        let saved_stdin = std::mem::take(&mut self.stdin);
        let mut status = 0;
        let mut run = |sh: &mut Shell, argv: Vec<String>| -> Result<(), Ctl> {
            let r = sh.run_argv(host, &argv, false)?;
            if r == 127 || r == 126 {
                status = r;
            } else if r != 0 {
                status = 123;
            }
            Ok(())
        };
        let r = (|| {
            if let Some(rep) = &replace {
                for item in &items {
                    let argv: Vec<String> = cmd.iter().map(|c| c.replace(rep.as_str(), item)).collect();
                    run(self, argv)?;
                }
            } else if items.is_empty() {
                if !no_run_empty {
                    run(self, cmd.clone())?;
                }
            } else {
                let chunk = max_args.unwrap_or(usize::MAX);
                for group in items.chunks(chunk.min(items.len()).max(1)) {
                    let mut argv = cmd.clone();
                    argv.extend(group.iter().cloned());
                    run(self, argv)?;
                }
            }
            Ok(())
        })();
        self.stdin = saved_stdin;
        r?;
        Ok(status)
    }

    /// `bash -c 'cmd' [name args...]`, `bash script.sh args`, or a script on stdin.
    fn bash(&mut self, host: &mut dyn Host, args: &[String]) -> Exec {
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') && args[i] != "-c" {
            i += 1;
        }
        if args.get(i).map(String::as_str) == Some("-c") {
            let Some(cmd) = args.get(i + 1) else {
                self.print_err("bash: -c: option requires an argument\n");
                return Ok(2);
            };
            let name = args.get(i + 2).cloned().unwrap_or_else(|| "bash".to_string());
            let rest = args.get(i + 3..).map(<[String]>::to_vec).unwrap_or_default();
            return self.run_script(host, &cmd.clone(), &name, rest);
        }
        match args.get(i) {
            Some(file) => {
                let path = self.resolve(file);
                match self.vfs.read(&path) {
                    Ok(d) => {
                        let text = String::from_utf8_lossy(d).into_owned();
                        self.run_script(host, &text, file, args[i + 1..].to_vec())
                    }
                    Err(e) => {
                        self.print_err(&format!("bash: {}: {e}\n", clean(file)));
                        Ok(127)
                    }
                }
            }
            None => {
                let pos = self.stdin.pos.min(self.stdin.data.len());
                let text = String::from_utf8_lossy(&self.stdin.data[pos..]).into_owned();
                self.stdin.pos = self.stdin.data.len();
                self.run_script(host, &text, "bash", Vec::new())
            }
        }
    }
}

pub(crate) enum Kind {
    Alias,
    Keyword,
    Function,
    Builtin,
    File(String),
}

fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn programs_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@%+,=".contains(c)) {
        s.to_string()
    } else {
        single_quote(s)
    }
}

fn unescape_one(d: &str) -> Option<char> {
    programs::unescape(d, programs::Escapes::Printf).0.chars().next()
}

/// Splits xargs input on blanks and newlines, honouring quotes and backslashes.
fn split_xargs(input: &str) -> Result<Vec<String>, &'static str> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if has {
                    items.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            '\'' | '"' => {
                has = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => return Err(if c == '\'' { "single" } else { "double" }),
                        Some(o) => cur.push(o),
                    }
                }
            }
            '\\' => {
                has = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c => {
                has = true;
                cur.push(c);
            }
        }
    }
    if has {
        items.push(cur);
    }
    Ok(items)
}
