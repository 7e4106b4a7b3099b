//! Network programs: `curl`, `wget` and `nslookup`, run from the learner's machine or
//! from inside a pod, over the cluster network of `kubeniwa_core::network`.

use kubeniwa_core::network::{self, NetAnswer, Resolved, Route};
use kubeniwa_core::time::Millis;
use kubeniwa_shell::Io;

/// Where a connection starts.
#[derive(Debug, Clone)]
pub enum From {
    /// The learner's machine (outside the kind nodes).
    Host,
    /// A container of a pod in `cluster`, in `namespace`.
    Pod { cluster: String, namespace: String, pod: String, curl_old_wording: bool },
}

/// The network a program's connections go through: the world's (the learner's
/// machine, `kubectl exec`) or a container process's own (`crate::process`).
pub trait Network {
    /// An HTTP GET of `url`.
    fn fetch(&mut self, url: &Url) -> Fetch;
    /// `name` looked up as the pod's resolver does: the pod's namespace and the
    /// answer, or `None` on the learner's machine (no cluster DNS there).
    fn lookup(&mut self, name: &str) -> Option<(String, Resolved)>;
    /// Time passes for the calling process.
    fn wait(&mut self, ms: Millis);
    /// The learner's machine (the internet's URLs are reachable from there).
    fn from_host(&self) -> bool {
        false
    }
}

/// The world's network, from the learner's machine or a pod (`kubectl exec`).
pub struct WorldNet<'a> {
    pub world: &'a mut crate::World,
    pub from: From,
}

impl Network for WorldNet<'_> {
    fn fetch(&mut self, url: &Url) -> Fetch {
        fetch(self.world, &self.from, url)
    }

    fn lookup(&mut self, name: &str) -> Option<(String, Resolved)> {
        let From::Pod { cluster, namespace, .. } = &self.from else { return None };
        let resolved = match self.world.clusters.get(cluster) {
            Some(c) => network::resolve(c, namespace, name),
            None => Resolved::NotFound,
        };
        Some((namespace.clone(), resolved))
    }

    fn wait(&mut self, ms: Millis) {
        if ms > 0 {
            self.world.advance(ms);
        }
    }

    fn from_host(&self) -> bool {
        matches!(self.from, From::Host)
    }
}

/// The outcome of one HTTP GET, with the milliseconds it took.
pub enum Fetch {
    Body(String, Millis),
    /// A body (and the time it took), after a line another process printed on the terminal.
    Noted(String, String, Millis),
    /// An error, after lines another process printed on the terminal.
    NotedError(String, i32, String),
    /// curl exit code and message (without the `curl: (N) ` prefix).
    Error(i32, String, Millis),
}

pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let rest = raw.strip_prefix("http://").unwrap_or(raw);
    if rest.starts_with("https://") || raw.starts_with("https://") {
        return Err("https".into());
    }
    if let Some((scheme, _)) = rest.split_once("://") {
        return Err(format!("Protocol \"{scheme}\" not supported"));
    }
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| "URL rejected: Port number was not a decimal number between 0 and 65535".to_string())?),
        None => (hostport.to_string(), 80),
    };
    if host.is_empty() {
        return Err("URL rejected: No host part in the URL".into());
    }
    Ok(Url { host, port, path })
}

/// curl's wording for a refused connection: 8.4.0 (curlimages/curl:8.4.0) says
/// "Couldn't", later versions "Could not".
pub fn couldnt(old_wording: bool) -> &'static str {
    if old_wording {
        "Couldn't connect to server"
    } else {
        "Could not connect to server"
    }
}

/// Connecting to an address nothing answers: the kernel gives up after its SYN retries.
const UNREACHABLE_MS: Millis = 133_005;

/// Fetches `url` as seen from `from`.
fn fetch(world: &mut crate::World, from: &From, url: &Url) -> Fetch {
    let couldnt = couldnt(matches!(from, From::Pod { curl_old_wording: true, .. }));
    let refused = |host: &str| Fetch::Error(7, format!("Failed to connect to {host} port {} after 0 ms: {couldnt}", url.port), 0);
    match from {
        From::Host => {
            let local = matches!(url.host.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]");
            if local {
                world.prune_forwards();
                if let Some(f) = world.forwards.get(&url.port).cloned() {
                    // The port-forward's kubectl reports each connection in its terminal.
                    let note = format!("Handling connection for {}\n", url.port);
                    let stamp = {
                        let t = kubeniwa_core::time::rfc3339(world.now);
                        format!("E{}{} {}.{:06} {:>7}", &t[5..7], &t[8..10], &t[11..19], (world.now % 1000) * 1000, 4242)
                    };
                    let Some(c) = world.clusters.get_mut(&f.cluster) else { return refused(&url.host) };
                    let ip = c.get(&kubeniwa_core::ObjKey::pod(&f.namespace, &f.pod)).and_then(|p| p["status"]["podIP"].as_str().map(String::from)).unwrap_or_default();
                    let route = network::route(c, &ip, f.remote);
                    let took = network::response_ms(c, &route);
                    return match route {
                        Route::Listener { body, .. } => Fetch::Noted(note, body.unwrap_or_default(), took),
                        _ => Fetch::NotedError(
                            format!("{note}{stamp} portforward.go:424] \"Unhandled Error\" err=\"an error occurred forwarding {} -> {}: error forwarding port {} to pod {}, uid : failed to execute portforward in network namespace: failed to connect to localhost:{} inside namespace: IPv4: dial tcp4 127.0.0.1:{}: connect: connection refused IPv6 dial tcp6 [::1]:{}: connect: connection refused \"\n", url.port, f.remote, f.remote, f.pod_uid, f.remote, f.remote, f.remote),
                            52,
                            "Empty reply from server".into(),
                        ),
                    };
                }
                // kind publishes only what a config's extraPortMappings asks for;
                // docker-proxy accepts and closes when nothing answers behind it.
                if let Some(hp) = world.host_ports.get(&url.port).cloned() {
                    let Some(c) = world.clusters.get_mut(&hp.cluster) else { return refused(&url.host) };
                    let route = network::route(c, &hp.node_ip, hp.container_port);
                    let took = network::response_ms(c, &route);
                    return match route {
                        Route::Listener { body, .. } => Fetch::Body(body.unwrap_or_default(), took),
                        _ => Fetch::Error(52, "Empty reply from server".into(), 0),
                    };
                }
                return refused(&url.host);
            }
            // From outside the nodes only the node addresses are reachable.
            let node = world.clusters.values_mut().find(|c| c.list("nodes", None).iter().any(|n| n["status"]["addresses"].as_array().is_some_and(|a| a.iter().any(|x| x["address"] == url.host.as_str()))));
            match node {
                Some(c) => {
                    let route = network::route(c, &url.host, url.port);
                    let took = network::response_ms(c, &route);
                    answered(Resolved::Ip(url.host.clone()), route, took, url, couldnt)
                }
                None => {
                    if looks_like_ip(&url.host) {
                        return Fetch::Error(28, format!("Failed to connect to {} port {} after {UNREACHABLE_MS} ms: Couldn't connect to server", url.host, url.port), UNREACHABLE_MS);
                    }
                    Fetch::Error(6, format!("Could not resolve host: {}", url.host), 0)
                }
            }
        }
        From::Pod { cluster, namespace, pod, .. } => {
            let Some(c) = world.clusters.get_mut(cluster) else { return Fetch::Error(6, format!("Could not resolve host: {}", url.host), 0) };
            let own = c.get(&kubeniwa_core::ObjKey::pod(namespace, pod)).and_then(|p| p["status"]["podIP"].as_str().map(String::from)).unwrap_or_default();
            // kube-proxy's pick comes from the cluster's random stream.
            let call = network::NetCall::Connect { host: url.host.clone(), port: url.port };
            let answer = network::pod_call_drawn(c, namespace, &own, &call);
            from_answer(answer, url, couldnt)
        }
    }
}

/// What a program in a pod gets for a connection the cluster network answered.
pub fn from_answer(answer: NetAnswer, url: &Url, couldnt: &str) -> Fetch {
    match answer {
        NetAnswer::Connect { resolved, route, response_ms } => answered(resolved, route, response_ms, url, couldnt),
        NetAnswer::Lookup(_) => Fetch::Error(6, format!("Could not resolve host: {}", url.host), 0),
    }
}

fn answered(resolved: Resolved, route: Route, response_ms: Millis, url: &Url, couldnt: &str) -> Fetch {
    match resolved {
        Resolved::External { .. } => return Fetch::Error(7, format!("Failed to connect to {} port {} after 0 ms: {couldnt}", url.host, url.port), 0),
        Resolved::Cname { target, .. } => return Fetch::Error(6, format!("Could not resolve host: {target}"), 0),
        Resolved::NotFound => return Fetch::Error(6, format!("Could not resolve host: {}", url.host), 0),
        Resolved::Ip(_) | Resolved::Service { .. } | Resolved::Headless { .. } => {}
    }
    match route {
        Route::Listener { body, .. } => Fetch::Body(body.unwrap_or_default(), response_ms),
        Route::Refused | Route::NoEndpoints => Fetch::Error(7, format!("Failed to connect to {} port {} after 0 ms: {couldnt}", url.host, url.port), 0),
        Route::Unresolvable => Fetch::Error(6, format!("Could not resolve host: {}", url.host), 0),
        Route::Unreachable => Fetch::Error(28, format!("Failed to connect to {} port {} after {UNREACHABLE_MS} ms: {couldnt}", url.host, url.port), UNREACHABLE_MS),
    }
}

/// A fetch, printing what another process wrote on the terminal (the
/// port-forward's `Handling connection` line) before the result.
fn fetch_noted(net: &mut dyn Network, url: &Url, io: &mut Io<'_>) -> Fetch {
    match net.fetch(url) {
        Fetch::Noted(note, body, took) => {
            io.out(note);
            Fetch::Body(body, took)
        }
        Fetch::NotedError(note, code, message) => {
            io.err(note);
            Fetch::Error(code, message, 0)
        }
        other => other,
    }
}

fn looks_like_ip(s: &str) -> bool {
    s.split('.').count() == 4 && s.split('.').all(|p| p.parse::<u8>().is_ok())
}

/// `curl [options] URL`
pub fn curl(net: &mut dyn Network, args: &[String], io: &mut Io<'_>) -> i32 {
    let mut silent = false;
    let mut show_error = false;
    let mut include = false;
    let mut output: Option<String> = None;
    let mut fail = false;
    let mut write_out: Option<String> = None;
    let mut location = false;
    let mut remote_name = false;
    let mut max_time: Option<Millis> = None;
    let mut urls = Vec::new();
    let args = &expand_short_flags(args);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-L" | "--location" => location = true,
            "-O" | "--remote-name" => remote_name = true,
            "-s" | "--silent" => silent = true,
            "-S" | "--show-error" => show_error = true,
            "-i" | "--include" => include = true,
            "-f" | "--fail" => fail = true,
            "-v" | "--verbose" | "-k" | "--insecure" | "-4" => {}
            "-o" | "--output" | "-w" | "--write-out" | "-m" | "--max-time" | "--connect-timeout" | "-X" | "--request" | "-H" | "--header" | "-d" | "--data" | "-A" | "--user-agent" => {
                i += 1;
                let Some(v) = args.get(i) else {
                    io.err(format!("curl: option {a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                    return 2;
                };
                match a {
                    "-o" | "--output" => output = Some(v.clone()),
                    "-w" | "--write-out" => write_out = Some(v.clone()),
                    "-m" | "--max-time" => match v.parse::<f64>() {
                        Ok(secs) if secs >= 0.0 => max_time = Some((secs * 1000.0).round() as Millis).filter(|ms| *ms > 0),
                        _ => {
                            io.err(format!("curl: option {a}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                            return 2;
                        }
                    },
                    _ => {}
                }
            }
            "-h" | "--help" => {
                io.out("Usage: curl [options...] <url>\n -d, --data <data>           HTTP POST data\n -f, --fail                  Fail fast with no output on HTTP errors\n -h, --help <category>       Get help for commands\n -i, --include               Include protocol response headers in the output\n -o, --output <file>         Write to file instead of stdout\n -O, --remote-name           Write output to a file named as the remote file\n -s, --silent                Silent mode\n -T, --upload-file <file>    Transfer local FILE to destination\n -u, --user <user:password>  Server user and password\n -A, --user-agent <name>     Send User-Agent <name> to server\n -v, --verbose               Make the operation more talkative\n -V, --version               Show version number and quit\n\nThis is not the full help, this menu is stripped into categories.\nUse \"--help category\" to get an overview of all categories.\nFor all options use the manual or \"--help all\".\n");
                return 0;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                io.err(format!("curl: option {s}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                return 2;
            }
            _ => urls.push(args[i].clone()),
        }
        i += 1;
    }
    if urls.is_empty() {
        io.err("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
        return 2;
    }
    let mut status = 0;
    for raw in urls {
        if net.from_host() && (raw.starts_with("https://") || crate::urls::host_of(&raw).is_some_and(crate::urls::known_host)) {
            let opts = Download { silent, show_error, fail, location, remote_name, output: output.clone(), write_out: write_out.clone() };
            let code = download(&raw, &opts, io);
            if code != 0 {
                status = code;
            }
            continue;
        }
        let url = match parse_url(&raw) {
            Ok(u) => u,
            Err(e) if e == "https" => {
                if !silent || show_error {
                    io.err(format!("curl: (35) OpenSSL/3.1.4: error:0A00010B:SSL routines::wrong version number\n"));
                }
                status = 35;
                continue;
            }
            Err(e) => {
                if !silent || show_error {
                    io.err(format!("curl: (3) {e}\n"));
                }
                status = 3;
                continue;
            }
        };
        let mut fetched = fetch_noted(net, &url, io);
        // `-m`: the whole transfer may take this long; curl notices just after.
        let took = match &fetched {
            Fetch::Body(_, took) | Fetch::Error(_, _, took) => *took,
            _ => 0,
        };
        if let Some(limit) = max_time.filter(|limit| took > *limit) {
            let message = match &fetched {
                Fetch::Body(..) => format!("Operation timed out after {} milliseconds with 0 bytes received", limit + 1),
                _ => format!("Connection timed out after {} milliseconds", limit + 1),
            };
            fetched = Fetch::Error(28, message, limit + 1);
        }
        let took = match &fetched {
            Fetch::Body(_, took) | Fetch::Error(_, _, took) => *took,
            _ => 0,
        };
        net.wait(took);
        let write_out_text = |w: &str, code: &str| w.replace("%{http_code}", code).replace("%{time_total}", &seconds(took)).replace("%{time_starttransfer}", &seconds(took)).replace("\\n", "\n");
        match fetched {
            Fetch::Body(body, _) => {
                let mut text = String::new();
                if include {
                    text.push_str(&format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", body.len()));
                }
                text.push_str(&body);
                match &output {
                    Some(path) if path != "/dev/null" => {
                        let full = io.resolve(path);
                        let _ = io.vfs.write(&full, text.into_bytes());
                    }
                    Some(_) => {}
                    None => io.out(text),
                }
                if let Some(w) = &write_out {
                    io.out(write_out_text(w, "200"));
                }
            }
            // fetch_noted printed the notes; what is left is a body or an error.
            Fetch::Noted(..) | Fetch::NotedError(..) => {}
            Fetch::Error(code, message, _) => {
                if let Some(w) = &write_out {
                    io.out(write_out_text(w, "000"));
                }
                if !silent || show_error {
                    io.err(format!("curl: ({code}) {message}\n"));
                }
                let _ = fail;
                status = code;
            }
        }
    }
    status
}

/// curl's short options given together (`-sLO`, `-fsSL`) one by one; an option that
/// takes a value takes the rest of the word, or the next word.
fn expand_short_flags(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in args {
        let cluster = a.strip_prefix('-').filter(|r| r.len() > 1 && !r.starts_with('-'));
        match cluster {
            Some(rest) if rest.chars().all(|c| c.is_ascii_alphanumeric()) => {
                for (i, c) in rest.char_indices() {
                    out.push(format!("-{c}"));
                    if matches!(c, 'o' | 'w' | 'm' | 'X' | 'H' | 'd' | 'A') {
                        if i + 1 < rest.len() {
                            out.push(rest[i + 1..].to_string());
                        }
                        break;
                    }
                }
            }
            _ => out.push(a.clone()),
        }
    }
    out
}

/// curl's options for a download from the catalogue ([`crate::urls`]).
struct Download {
    silent: bool,
    show_error: bool,
    fail: bool,
    location: bool,
    remote_name: bool,
    output: Option<String>,
    write_out: Option<String>,
}

/// curl's progress meter header, shown when the body goes to a file.
const PROGRESS_HEADER: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n";

/// curl's five-character size or speed.
fn max5(n: usize) -> String {
    if n < 100_000 {
        format!("{n:>5}")
    } else {
        format!("{:>4}k", n / 1024)
    }
}

/// One finished transfer's line of the progress meter (a transfer takes a quarter
/// of a second here).
fn progress_line(len: usize) -> String {
    let pct = if len > 0 { 100 } else { 0 };
    let speed = len * 4;
    format!("{pct:>3} {}  {pct:>3} {}    0     0  {}      0 --:--:-- --:--:-- --:--:-- {}\n", max5(len), max5(len), max5(speed), max5(speed))
}

/// `curl [-L] [-O | -o FILE] [-f] URL` from the learner's machine for an internet URL:
/// the catalogue's answer, as curl reports it. Returns curl's exit code.
fn download(raw: &str, o: &Download, io: &mut Io<'_>) -> i32 {
    use crate::urls::{answer, follow, Answer, Location};
    let target = if o.remote_name {
        let path = raw.split(['?', '#']).next().unwrap_or("");
        let name = path.split("://").nth(1).and_then(|r| r.split_once('/')).map(|(_, p)| p.rsplit('/').next().unwrap_or("")).unwrap_or("");
        if name.is_empty() {
            if !o.silent || o.show_error {
                io.err("curl: Remote file name has no length!\ncurl: (23) Failed writing received data to disk/application\n");
            }
            return 23;
        }
        Some(name.to_string())
    } else {
        o.output.clone().filter(|p| p != "-")
    };
    let meter = target.is_some() && !o.silent;
    if meter {
        io.err(PROGRESS_HEADER);
    }
    let (hops, last) = if o.location {
        let f = follow(raw);
        (f.hops, f.last)
    } else {
        match answer(raw) {
            Answer::Redirect { code, .. } => (Vec::new(), Answer::Status { code, body: String::new() }),
            other => (Vec::new(), other),
        }
    };
    if meter {
        for _ in &hops {
            io.err(progress_line(0));
        }
    }
    let (code, body) = match last {
        Answer::Ok(body) => (200, body.to_string()),
        Answer::Status { code, body } => (code, body),
        Answer::Redirect { location: Location::Url(_) | Location::Asset(_), .. } => (0, String::new()),
        Answer::NoSuchHost { host } => {
            if meter {
                io.err(progress_line(0));
            }
            if let Some(w) = &o.write_out {
                io.out(w.replace("%{http_code}", "000").replace("\\n", "\n"));
            }
            if !o.silent || o.show_error {
                io.err(format!("curl: (6) Could not resolve host: {host}\n"));
            }
            return 6;
        }
    };
    if o.fail && code >= 400 {
        if meter {
            io.err(progress_line(0));
        }
        if !o.silent || o.show_error {
            io.err(format!("curl: (22) The requested URL returned error: {code}\n"));
        }
        return 22;
    }
    if meter {
        io.err(progress_line(body.len()));
    }
    match &target {
        Some(path) if path != "/dev/null" => {
            let full = io.resolve(path);
            let _ = io.vfs.write(&full, body.into_bytes());
        }
        Some(_) => {}
        None => io.out(body),
    }
    if let Some(w) = &o.write_out {
        io.out(w.replace("%{http_code}", &format!("{code:03}")).replace("\\n", "\n"));
    }
    0
}

/// curl's `%{time_total}`: seconds with six decimals.
fn seconds(ms: Millis) -> String {
    format!("{}.{:06}", ms / 1000, (ms % 1000) * 1000)
}

/// BusyBox `wget [-q] [-O FILE] [-T N] URL`
pub fn wget(net: &mut dyn Network, args: &[String], io: &mut Io<'_>) -> i32 {
    let mut quiet = false;
    // BusyBox's default network timeout is 900 s.
    let mut timeout: Millis = 900_000;
    let mut output: Option<String> = None;
    let mut url = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-q" => quiet = true,
            "-O" => {
                i += 1;
                output = args.get(i).cloned();
            }
            "-qO-" | "-qO" if args[i] == "-qO-" => {
                quiet = true;
                output = Some("-".into());
            }
            "-T" | "--timeout" => {
                i += 1;
                if let Some(secs) = args.get(i).and_then(|v| v.parse::<Millis>().ok()) {
                    timeout = secs * 1000;
                }
            }
            s if s.starts_with("-O") => output = Some(s[2..].to_string()),
            s if s.starts_with('-') => {}
            s => url = Some(s.to_string()),
        }
        i += 1;
    }
    let Some(raw) = url else {
        io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        return 1;
    };
    if net.from_host() && (raw.starts_with("https://") || crate::urls::host_of(&raw).is_some_and(crate::urls::known_host)) {
        return wget_download(&raw, quiet, output, io);
    }
    let parsed = match parse_url(&raw) {
        Ok(u) => u,
        Err(_) => {
            io.err(format!("wget: bad address '{raw}'\n"));
            return 1;
        }
    };
    // BusyBox resolves the name first and names the address it connects to.
    let addr = match net.lookup(&parsed.host) {
        None => parsed.host.clone(),
        Some((_, Resolved::Ip(ip))) if ip == "127.0.0.1" => ip,
        Some((_, Resolved::Ip(ip) | Resolved::Service { ip, .. })) => ip,
        Some((_, Resolved::External { ips, .. } | Resolved::Headless { ips, .. })) if !ips.is_empty() => ips[0].clone(),
        Some(_) => {
            io.err(format!("wget: bad address '{}'\n", parsed.host));
            return 1;
        }
    };
    if !quiet {
        io.err(format!("Connecting to {} ({addr}:{})\n", if parsed.port == 80 { parsed.host.clone() } else { format!("{}:{}", parsed.host, parsed.port) }, parsed.port));
    }
    let mut fetched = fetch_noted(net, &parsed, io);
    match &fetched {
        Fetch::Body(_, took) | Fetch::Error(_, _, took) if *took > timeout => fetched = Fetch::Error(28, String::new(), timeout),
        _ => {}
    }
    if let Fetch::Body(_, took) | Fetch::Error(_, _, took) = &fetched {
        net.wait(*took);
    }
    match fetched {
        Fetch::Body(body, _) => {
            let name = output.clone().unwrap_or_else(|| {
                let last = parsed.path.rsplit('/').next().unwrap_or("");
                if last.is_empty() { "index.html".into() } else { last.into() }
            });
            if name == "-" {
                io.out(body);
            } else {
                let full = io.resolve(&name);
                let len = body.len();
                let _ = io.vfs.write(&full, body.into_bytes());
                if !quiet {
                    io.err(format!("saving to '{name}'\n{name:<20} 100% |********************************| {len:>5}  0:00:00 ETA\n'{name}' saved\n"));
                }
            }
            0
        }
        Fetch::Noted(..) | Fetch::NotedError(..) => 1,
        Fetch::Error(code, _, _) => {
            let msg = match code {
                6 => format!("wget: bad address '{}'\n", parsed.host),
                28 => "wget: download timed out\n".to_string(),
                _ => format!("wget: can't connect to remote host ({addr}): Connection refused\n"),
            };
            io.err(msg);
            1
        }
    }
}

/// `wget URL` from the learner's machine for an internet URL: the catalogue's
/// answer, redirects followed, in the wget output of the host's other downloads.
fn wget_download(raw: &str, quiet: bool, output: Option<String>, io: &mut Io<'_>) -> i32 {
    use crate::urls::{follow, Answer};
    let mut url = raw.to_string();
    let connect = |url: &str, io: &mut Io<'_>| {
        let host = crate::urls::host_of(url).unwrap_or("").to_string();
        let port = if url.starts_with("https://") { 443 } else { 80 };
        io.err(format!("Connecting to {host} ({host}:{port})\n"));
    };
    if !quiet {
        connect(&url, io);
    }
    // Each redirect is a new connection, to the location's host.
    let mut current = crate::urls::answer(&url);
    let mut hops = 0;
    while let Answer::Redirect { location, .. } = &current {
        hops += 1;
        match location {
            crate::urls::Location::Url(next) if hops <= 10 => {
                url = next.clone();
                if !quiet {
                    connect(&url, io);
                }
                current = crate::urls::answer(&url);
            }
            _ => {
                current = follow(raw).last;
                break;
            }
        }
    }
    match current {
        Answer::Ok(body) => {
            let name = output.unwrap_or_else(|| {
                let last = raw.split(['?', '#']).next().unwrap_or("").rsplit('/').next().unwrap_or("");
                if last.is_empty() { "index.html".into() } else { last.into() }
            });
            if name == "-" {
                io.out(body);
            } else {
                let full = io.resolve(&name);
                let _ = io.vfs.write(&full, body.as_bytes().to_vec());
                if !quiet {
                    io.err(format!("saving to '{name}'\n{name:<20} 100% |********************************| {:>5}  0:00:00 ETA\n'{name}' saved\n", body.len()));
                }
            }
            0
        }
        Answer::Status { code, .. } => {
            io.err(format!("wget: server returned error: HTTP/1.1 {code} {}\n", crate::urls::reason(code)));
            1
        }
        Answer::NoSuchHost { host } => {
            io.err(format!("wget: bad address '{host}'\n"));
            1
        }
        Answer::Redirect { .. } => 1,
    }
}

/// BusyBox `nslookup NAME [SERVER]`, as the notes show it.
pub fn nslookup(net: &mut dyn Network, args: &[String], io: &mut Io<'_>) -> i32 {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n");
        return 1;
    };
    let Some((namespace, resolved)) = net.lookup(name) else {
        io.out(";; connection timed out; no servers could be reached\n\n");
        return 1;
    };
    let mut out = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n".to_string();
    let status = match resolved {
        Resolved::Service { fqdn, ip } => {
            out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n\n"));
            0
        }
        Resolved::Headless { fqdn, ips } => {
            for ip in &ips {
                out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
            }
            out.push('\n');
            0
        }
        Resolved::Cname { fqdn, target } => {
            out.push_str(&format!("{fqdn}\tcanonical name = {target}\n\n"));
            0
        }
        Resolved::External { name, ips } => {
            for ip in &ips {
                out.push_str(&format!("Non-authoritative answer:\nName:\t{name}\nAddress: {ip}\n\n"));
            }
            if name == "google.com" {
                out.push_str("Non-authoritative answer:\nName:\tgoogle.com\nAddress: 2404:6800:4004:825::200e\n\n");
            }
            0
        }
        Resolved::Ip(ip) => {
            out.push_str(&format!("Name:\t{ip}\nAddress: {ip}\n\n"));
            0
        }
        Resolved::NotFound => {
            let search = [format!("{namespace}.svc.cluster.local"), "svc.cluster.local".into(), "cluster.local".into()];
            for s in &search {
                out.push_str(&format!("** server can't find {name}.{s}: NXDOMAIN\n\n"));
            }
            out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
            1
        }
    };
    io.out(out);
    status
}
