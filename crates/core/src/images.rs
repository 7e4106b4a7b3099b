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
    /// The user its processes run as, the working directory, and the shell prompt.
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub workdir: String,
    #[serde(default)]
    pub prompt: String,
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
    },
    /// Exits with `code` after `after_ms`.
    Exit {
        code: i32,
        after_ms: u64,
        #[serde(default)]
        logs: Vec<String>,
    },
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
    let r = ImageRef::parse(image);
    catalogue().iter().find(|i| i.repository == r.repository && i.tags.iter().any(|t| *t == r.tag))
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
