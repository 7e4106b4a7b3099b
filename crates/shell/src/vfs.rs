//! The virtual filesystem: an in-memory tree of directories and files.

use std::collections::BTreeMap;

/// Errors in the words coreutils use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VfsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Not a directory")]
    NotADirectory,
}

/// An in-memory filesystem. Paths are absolute and normalised.
#[derive(Debug, Clone, Default)]
pub struct Vfs {
    files: BTreeMap<String, Vec<u8>>,
}

impl Vfs {
    pub fn new() -> Vfs {
        Vfs::default()
    }
    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        self.files.get(path).map(Vec::as_slice).ok_or(VfsError::NotFound)
    }
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> Result<(), VfsError> {
        self.files.insert(path.to_string(), data);
        Ok(())
    }
}

/// Makes `path` absolute and normal, relative to `cwd`, with `~` meaning `home`.
pub fn resolve(cwd: &str, home: &str, path: &str) -> String {
    let joined = if path == "~" {
        home.to_string()
    } else if let Some(rest) = path.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}
