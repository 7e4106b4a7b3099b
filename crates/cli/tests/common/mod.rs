//! What the oracle tests share: the real kubectl, and `kubeniwa serve` on a free port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one real kubectl command may take before it counts as hung.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// This machine's clock, ms since 1970.
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

pub fn find_real_kubectl() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KUBENIWA_REAL_KUBECTL") {
        return Some(PathBuf::from(p));
    }
    let installed = workspace_root().join("target/oracle/kubectl/kubectl");
    if installed.is_file() {
        return Some(installed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("kubectl-real")).find(|p| p.is_file())
}

/// `kubeniwa serve` on a free port, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub kubeconfig: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.kubeconfig);
    }
}

impl Server {
    /// `kubeniwa serve` with `args` added (e.g. `--clock running`).
    pub fn start(args: &[&str]) -> Server {
        let kubeconfig = std::env::temp_dir().join(format!("kubeniwa-differential-{}.kubeconfig", std::process::id()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubeniwa"))
            .args(["serve", "--port", "0", "--seed", "1"])
            .args(args)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start kubeniwa serve");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read serve's first line");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("kubeniwa serve said {line:?}"));
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        Server { child, port, kubeconfig }
    }

    /// One request with `Connection: close`; (status, exit-status header, body).
    pub fn request(&self, method: &str, path: &str, body: &str) -> (u16, Option<i32>, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(COMMAND_TIMEOUT)).unwrap();
        let req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        s.write_all(req.as_bytes()).expect("send");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("receive");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let exit = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("x-kubeniwa-exit-status:").map(|v| v.trim().parse().unwrap_or(-1)));
        (code, exit, body.to_string())
    }

    /// Every stored object, by `resource/namespace/name`.
    pub fn objects(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        let (code, _, text) = self.request("GET", "/kubeniwa/v1/objects", "");
        assert_eq!(code, 200, "objects: {text}");
        let list: Vec<serde_json::Value> = serde_json::from_str(&text).expect("objects as JSON");
        list.into_iter()
            .map(|o| (format!("{}/{}/{}", o["resource"].as_str().unwrap_or(""), o["namespace"].as_str().unwrap_or(""), o["name"].as_str().unwrap_or("")), o["object"].clone()))
            .collect()
    }

    /// Puts the simulated clock on a whole second `S` of this machine's clock that has
    /// just begun (waiting for it if the simulation is ahead), so the real kubectl, which
    /// computes ages and stamps from its own clock, and ours, which uses the simulated
    /// one, see the same second. Returns `S` in ms.
    pub fn sync(&self) -> u64 {
        let (code, _, text) = self.request("GET", "/kubeniwa/v1/clock", "");
        assert_eq!(code, 200, "clock: {text}");
        let clock: serde_json::Value = serde_json::from_str(&text).expect("clock as JSON");
        let sim = clock["nowMs"].as_u64().expect("nowMs");
        let second = |ms: u64| ms.div_ceil(1000) * 1000;
        let target = second(sim).max(second(wall_ms() + 1));
        self.control("clock", &format!("{{\"to_ms\": {target}}}"));
        let wait = (target + 20).saturating_sub(wall_ms());
        std::thread::sleep(Duration::from_millis(wait));
        target
    }

    pub fn control(&self, what: &str, body: &str) {
        let (code, _, text) = self.request("POST", &format!("/kubeniwa/v1/{what}"), body);
        assert_eq!(code, 200, "{what}: {text}");
    }

    /// Our kubectl: the line in the sandbox's shell.
    pub fn ours(&self, line: &str) -> (String, i32) {
        let (code, exit, text) = self.request("POST", "/kubeniwa/v1/exec", line);
        assert_eq!(code, 200, "exec {line}: {text}");
        (text, exit.unwrap_or(-1))
    }

    /// The real kubectl running `line` in `sh` (so quoting means what it means in the
    /// sandbox's shell), stdout and stderr together as a terminal shows them.
    pub fn real(&self, kubectl: &Path, line: &str) -> (String, i32) {
        let script = format!("exec 2>&1\nkubectl() {{ \"$KUBENIWA_REAL_KUBECTL\" --kubeconfig \"$KUBENIWA_KUBECONFIG\" \"$@\"; }}\n{line}\n");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("KUBENIWA_REAL_KUBECTL", kubectl)
            .env("KUBENIWA_KUBECONFIG", &self.kubeconfig)
            .env("TZ", "UTC")
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("run the real kubectl");
        let mut out = child.stdout.take().expect("stdout");
        let reader = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = out.read_to_end(&mut s);
            s
        });
        let started = Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait") {
                break st.code().unwrap_or(-1);
            }
            if started.elapsed() > COMMAND_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break -9;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let text = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
        if status == -9 {
            return (format!("{text}<timed out after {}s>\n", COMMAND_TIMEOUT.as_secs()), status);
        }
        (text, status)
    }
}


/// Appends one line to the summary `cargo xtask test` prints at the end
/// (`KUBENIWA_ORACLE_SUMMARY`), and says it on stderr in any case.
pub fn summary(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
    if let Some(path) = std::env::var_os("KUBENIWA_ORACLE_SUMMARY") {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = writeln!(f, "{line}");
        }
    }
}
