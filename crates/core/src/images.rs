//! The image catalogue (`data/images.json`): what a pull finds and what the image's
//! process does. Data, not code paths: adding an image needs no Rust.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    /// Fully qualified, e.g. `docker.io/library/nginx`.
    pub repository: String,
    pub tags: Vec<String>,
    /// Bytes, as `Image size: N bytes` reports.
    pub size: u64,
    /// Whether the image has `/bin/sh`.
    pub shell: bool,
    pub process: Process,
    /// Programs on the image's PATH besides the shell's builtins (`sh`, `curl`, ...).
    #[serde(default)]
    pub tools: Vec<String>,
    /// Further programs of the image that the simulation does not run (the image's
    /// server, a database): a container command naming one keeps the process's
    /// catalogue behaviour, and one naming neither a tool nor a binary fails to start.
    #[serde(default)]
    pub binaries: Vec<String>,
    /// The user its processes run as, the working directory, and the shell prompt.
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub workdir: String,
    #[serde(default)]
    pub prompt: String,
    /// The default process's command line as `ps` shows it.
    #[serde(default)]
    pub cmd: Vec<String>,
    /// What its default process uses when idle (for `kubectl top` and the HPA).
    #[serde(default)]
    pub usage: Usage,
}

/// Idle usage of an image's process.
#[derive(Debug, Clone, Deserialize)]
pub struct Usage {
    /// Millicores.
    #[serde(default = "one")]
    pub cpu_m: u64,
    /// Working set in MiB.
    #[serde(default = "two")]
    pub memory_mi: f64,
    /// CPU the HPA walkthrough's client (`while sleep 0.01; do wget -q -O- URL; done`)
    /// costs its servers, in millicores: the CPU one request costs is this spread over
    /// the requests such a client sends (`hpa::load_on`).
    #[serde(default = "busy")]
    pub busy_cpu_m: u64,
    /// CPU time one request takes its server, in milliseconds of one core: a
    /// container throttled to its limit answers that many times slower.
    #[serde(default = "request_ms")]
    pub request_ms: f64,
}

fn request_ms() -> f64 {
    1.0
}

fn busy() -> u64 {
    20
}

fn one() -> u64 {
    1
}
fn two() -> f64 {
    2.0
}

impl Default for Usage {
    fn default() -> Usage {
        Usage { cpu_m: one(), memory_mi: two(), busy_cpu_m: busy(), request_ms: request_ms() }
    }
}

impl Usage {
    pub fn memory_bytes(&self) -> u64 {
        (self.memory_mi * 1_048_576.0) as u64
    }
}

/// What the image's default process does.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Process {
    /// Listens on `port` until stopped.
    Server {
        port: u16,
        #[serde(default)]
        port_env: Option<String>,
        #[serde(default)]
        body: Option<String>,
        #[serde(default)]
        logs: Vec<String>,
        /// Lines logged with Go's `log` prefix (`2024/08/15 15:02:39 `).
        #[serde(default)]
        go_logs: Vec<String>,
        /// Paths with their own answers (`/healthz`); others get `body`.
        #[serde(default)]
        routes: Vec<Route>,
        /// When set, only `/` and `index_paths` serve `body`; other paths get 404
        /// with this body (nginx's page, Go's `404 page not found`). Without it the
        /// `/` handler answers every path (a Go mux with only `/`).
        #[serde(default)]
        not_found: Option<String>,
        #[serde(default)]
        index_paths: Vec<String>,
        /// The exit code when stopped with SIGTERM (Go servers: 2, as kubelet
        /// reports for a liveness-killed delayfailserver; nginx: 0).
        #[serde(default = "go_sigterm_exit")]
        sigterm_exit: i32,
        /// A file the process reads at start and serves on `/` instead of `body`
        /// (hello-server 1.5: `/etc/config/myconfig.txt`).
        #[serde(default)]
        config_file: Option<String>,
        /// Further ports the process listens on (CoreDNS's health and readiness
        /// endpoints), answering like the main one.
        #[serde(default)]
        extra_ports: Vec<u16>,
        /// It serves the gRPC health protocol (`grpc.health.v1.Health`) on `port`.
        #[serde(default)]
        grpc_health: bool,
        /// It serves HTTPS on its ports (metrics-server); a plain HTTP request gets
        /// Go's 400 `Client sent an HTTP request to an HTTPS server.`
        #[serde(default)]
        tls: bool,
    },
    /// Exits with `code` after `after_ms`.
    Exit {
        code: i32,
        after_ms: u64,
        #[serde(default)]
        logs: Vec<String>,
    },
}

fn go_sigterm_exit() -> i32 {
    2
}

/// One path a server answers specially, possibly changing with the process's age.
#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    pub path: String,
    #[serde(default = "ok_status")]
    pub status: u16,
    #[serde(default)]
    pub body: String,
    /// A line the server logs (Go `log` prefix) for each request.
    #[serde(default)]
    pub log: Option<String>,
    /// From this age of the process on, the path answers with the `fail_*` values.
    #[serde(default)]
    pub fail_after_ms: Option<u64>,
    #[serde(default = "unavailable_status")]
    pub fail_status: u16,
    #[serde(default)]
    pub fail_body: String,
    #[serde(default)]
    pub fail_log: Option<String>,
    /// The path answers with the `fail_*` values unless the container was started
    /// with this argument (metrics-server's /readyz on kind needs
    /// `--kubelet-insecure-tls` to scrape anything).
    #[serde(default)]
    pub requires_arg: Option<String>,
}

fn ok_status() -> u16 {
    200
}
fn unavailable_status() -> u16 {
    503
}

/// What a server answers to one GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The line it logs for the request, without the timestamp.
    pub log: Option<String>,
}

impl Process {
    /// The answer to `GET path` from a server process that has run for `age_ms`.
    pub fn answer(&self, path: &str, age_ms: u64) -> Option<Answer> {
        self.answer_with_args(path, age_ms, None)
    }

    /// [`Process::answer`] for a container started with `args` (its command and
    /// arguments), when known.
    pub fn answer_with_args(&self, path: &str, age_ms: u64, args: Option<&[String]>) -> Option<Answer> {
        let Process::Server { body, routes, not_found, index_paths, .. } = self else { return None };
        let path = path.split('?').next().unwrap_or(path);
        if let Some(r) = routes.iter().find(|r| r.path == path) {
            let missing_arg = match (&r.requires_arg, args) {
                (Some(arg), Some(args)) => !args.iter().any(|a| a == arg),
                _ => false,
            };
            let failing = missing_arg || r.fail_after_ms.is_some_and(|after| age_ms > after);
            return Some(if failing {
                Answer { status: r.fail_status, body: r.fail_body.clone(), log: r.fail_log.clone() }
            } else {
                Answer { status: r.status, body: r.body.clone(), log: r.log.clone() }
            });
        }
        if let Some(nf) = not_found {
            if path != "/" && !index_paths.iter().any(|p| p == path) {
                return Some(Answer { status: 404, body: nf.clone(), log: None });
            }
        }
        Some(Answer { status: 200, body: body.clone().unwrap_or_default(), log: None })
    }
}

impl Image {
    /// Whether a container command `argv` runs a server image's own program (the binary
    /// of its default command, or one of `binaries`): its process then behaves as the
    /// catalogue describes (the docs' etcd pod sets `command: [/usr/local/bin/etcd, ...]`).
    pub fn runs_own_binary(&self, argv: &[String]) -> bool {
        // Only a server image's program: a shell or tool image's default command
        // (busybox's `sh`) runs whatever script it is given.
        let Process::Server { .. } = self.process else { return false };
        let Some(first) = argv.first() else { return false };
        let program = first.rsplit('/').next().unwrap_or(first);
        let default = self.cmd.first().and_then(|c| c.split_whitespace().next()).map(|c| c.trim_end_matches(':').rsplit('/').next().unwrap_or(c));
        default == Some(program) || self.binaries.iter().any(|b| b == program)
    }
}

/// Whether `spec`'s `command` runs its image's own program (see [`Image::runs_own_binary`]).
pub fn command_runs_own_binary(spec: &serde_json::Value) -> bool {
    let argv: Vec<String> = spec["command"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
    find(spec["image"].as_str().unwrap_or("")).is_some_and(|i| i.runs_own_binary(&argv))
}

#[derive(Debug, Deserialize)]
struct Catalogue {
    images: Vec<Image>,
}

fn catalogue() -> &'static [Image] {
    static CATALOGUE: OnceLock<Vec<Image>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // The file is part of the build; a malformed catalogue is caught by the test below.
        serde_json::from_str::<Catalogue>(include_str!("../data/images.json")).map(|c| c.images).unwrap_or_default()
    })
}

/// An image reference split as containerd normalises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io/blux2/hello-server`
    pub repository: String,
    /// `1.0` (`latest` when none was given)
    pub tag: String,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Normalises `nginx`, `nginx:1.25.3`, `blux2/hello-server:1.0`, `docker.io/library/nginx`.
    pub fn parse(image: &str) -> ImageRef {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (image, None),
        };
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], rest[last_slash + i + 1..].to_string()),
            None => (rest, "latest".to_string()),
        };
        let first = name.split('/').next().unwrap_or("");
        let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
        let repository = if has_registry {
            name.to_string()
        } else if name.contains('/') {
            format!("docker.io/{name}")
        } else {
            format!("docker.io/library/{name}")
        };
        ImageRef { repository, tag, digest }
    }

    /// `docker.io/library/nginx:1.25.3`
    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

/// What a pull of `image` finds, or `None` when the registry does not have it.
pub fn find(image: &str) -> Option<&'static Image> {
    // The answer depends on the text alone, and a cluster runs few images many times
    // (every replica, every status write): the last few answers are kept.
    thread_local! {
        static RECENT: std::cell::RefCell<(usize, [Option<(String, Option<&'static Image>)>; 4])> = std::cell::RefCell::default();
    }
    if let Some(found) = RECENT.with_borrow(|(_, recent)| recent.iter().flatten().find(|(text, _)| text == image).map(|(_, found)| *found)) {
        return found;
    }
    let r = ImageRef::parse(image);
    let found = catalogue().iter().find(|i| i.repository == r.repository && i.tags.iter().any(|t| *t == r.tag));
    RECENT.with_borrow_mut(|(next, recent)| {
        recent[*next] = Some((image.to_string(), found));
        *next = (*next + 1) % recent.len();
    });
    found
}

/// Whether the repository exists at all (a missing tag and a missing repository fail
/// with different registry messages).
pub fn repository_exists(image: &str) -> bool {
    let r = ImageRef::parse(image);
    catalogue().iter().any(|i| i.repository == r.repository)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_parses_and_has_the_notes_images() {
        let all = serde_json::from_str::<Catalogue>(include_str!("../data/images.json")).unwrap();
        assert!(all.images.len() >= 10);
        for image in ["nginx:1.25.3", "nginx:1.24.0", "blux2/hello-server:1.0", "busybox:1.36.1", "curlimages/curl:8.4.0"] {
            assert!(find(image).is_some(), "{image}");
        }
        // Tags a learner types from current docs pull as they do from Docker Hub.
        for image in ["nginx:1.26", "nginx:1.28", "nginx:1.28.0", "nginx:1.29", "nginx:stable", "nginx:mainline"] {
            assert!(find(image).is_some(), "{image}");
        }
        assert!(find("nginx:1.99").is_none());
        assert!(find("blux2/hello-server:1.1").is_none());
        assert!(repository_exists("blux2/hello-server:1.1"));
    }

    #[test]
    fn references_normalise_like_containerd() {
        assert_eq!(ImageRef::parse("nginx").full(), "docker.io/library/nginx:latest");
        assert_eq!(ImageRef::parse("blux2/hello-server:1.0").full(), "docker.io/blux2/hello-server:1.0");
        assert_eq!(ImageRef::parse("registry.k8s.io/pause:3.10").full(), "registry.k8s.io/pause:3.10");
        assert_eq!(ImageRef::parse("localhost:5000/app").full(), "localhost:5000/app:latest");
    }
}
