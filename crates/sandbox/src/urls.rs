//! What the learner's machine can download: the URL catalogue in `data/urls/`
//! (`index.txt` and the files it names, compiled in by `build.rs`). The sandbox has
//! no network; tutorials' `kubectl apply -f https://...` and `curl -LO https://...`
//! read the bundled copies, answered as the real hosts answer (redirects, 404s), and a
//! host the catalogue does not know does not resolve.

use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/urls.rs"));

/// One HTTP response of a host.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 200 with this body.
    Ok(&'static str),
    /// A redirect (301, 302) to `location`.
    Redirect { code: u16, location: Location },
    /// An error status (404) with its body.
    Status { code: u16, body: String },
    /// The host name does not resolve.
    NoSuchHost { host: String },
}

/// Where a redirect points.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Url(String),
    /// GitHub's signed release-asset storage URL, serving this body.
    Asset(&'static str),
}

/// What `GET url` returned after following redirects (at most 10 hops).
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    /// The status codes of the redirects passed on the way.
    pub hops: Vec<u16>,
    pub last: Answer,
}

/// The reason phrase Go's `resp.Status` and curl show for a status code.
pub fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        _ => "",
    }
}

#[derive(Default)]
struct Catalogue {
    /// Host → (code, body) for paths not listed.
    hosts: BTreeMap<String, (u16, String)>,
    exact: BTreeMap<String, Answer>,
    /// (prefix, code, location prefix).
    prefixes: Vec<(String, u16, String)>,
}

fn file(path: &str) -> &'static str {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text).unwrap_or_else(|| panic!("data/urls/index.txt names a missing file {path}"))
}

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| {
        let mut cat = Catalogue::default();
        for line in file("index.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["host", name, code, body @ ..] => {
                    cat.hosts.insert(name.to_string(), (code.parse().expect("host code"), body.join(" ").replace("\\n", "\n")));
                }
                ["get", url, path] => {
                    cat.exact.insert(url.to_string(), Answer::Ok(file(path)));
                }
                ["asset", url, path] => {
                    cat.exact.insert(url.to_string(), Answer::Redirect { code: 302, location: Location::Asset(file(path)) });
                }
                ["redirect", code, url, location] => {
                    cat.exact.insert(url.to_string(), Answer::Redirect { code: code.parse().expect("redirect code"), location: Location::Url(location.to_string()) });
                }
                ["prefix", code, prefix, location] => cat.prefixes.push((prefix.to_string(), code.parse().expect("prefix code"), location.to_string())),
                _ => panic!("data/urls/index.txt: cannot read {line:?}"),
            }
        }
        cat
    })
}

/// The host of an `http(s)://` URL (without port, user or path).
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or("");
    Some(authority.split(':').next().unwrap_or(""))
}

/// Whether the catalogue knows this host (it answers, if only with 404).
pub fn known_host(host: &str) -> bool {
    catalogue().hosts.contains_key(host)
}

/// One request: what the host answers for `url`.
pub fn answer(url: &str) -> Answer {
    let cat = catalogue();
    let url = url.split('#').next().unwrap_or("");
    let host = host_of(url).unwrap_or("").to_string();
    let Some((code, body)) = cat.hosts.get(&host) else { return Answer::NoSuchHost { host } };
    if let Some(rest) = url.strip_prefix("http://") {
        // Every host here sends plain HTTP to HTTPS.
        return Answer::Redirect { code: 301, location: Location::Url(format!("https://{rest}")) };
    }
    let path_only = url.split('?').next().unwrap_or("");
    if let Some(a) = cat.exact.get(path_only) {
        return a.clone();
    }
    for (prefix, code, location) in &cat.prefixes {
        if let Some(rest) = url.strip_prefix(prefix.as_str()) {
            return Answer::Redirect { code: *code, location: Location::Url(format!("{location}{rest}")) };
        }
    }
    Answer::Status { code: *code, body: body.clone() }
}

/// `GET url`, following redirects as Go's `http.Get` and `curl -L` do.
pub fn follow(url: &str) -> Followed {
    let mut hops = Vec::new();
    let mut current = answer(url);
    loop {
        match current {
            Answer::Redirect { code, location } if hops.len() < 10 => {
                hops.push(code);
                current = match location {
                    Location::Url(next) => answer(&next),
                    Location::Asset(body) => Answer::Ok(body),
                };
            }
            last => return Followed { hops, last },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_reads_and_every_file_is_named() {
        let cat = catalogue();
        assert!(!cat.exact.is_empty());
        for (path, _) in FILES {
            if *path == "index.txt" || path.ends_with("README.md") {
                continue;
            }
            assert!(file("index.txt").contains(&format!(" {path}")), "{path} is bundled but no rule serves it");
        }
    }

    #[test]
    fn redirects_lead_to_the_versioned_files() {
        let latest = follow("https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml");
        assert_eq!(latest.hops, vec![302, 302]);
        assert!(matches!(latest.last, Answer::Ok(body) if body.contains("metrics-server:v0.9.0")));
        let short = follow("https://k8s.io/examples/pods/simple-pod.yaml");
        assert_eq!(short.hops, vec![301]);
        assert_eq!(short.last, follow("https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/simple-pod.yaml").last);
        assert_eq!(follow("https://github.com/nobody/nothing.yaml").last, Answer::Status { code: 404, body: "Not Found".into() });
        assert_eq!(follow("https://example.invalid/x.yaml").last, Answer::NoSuchHost { host: "example.invalid".into() });
        assert_eq!(follow("http://k8s.io/examples/pods/simple-pod.yaml").hops, vec![301, 301]);
    }
}
