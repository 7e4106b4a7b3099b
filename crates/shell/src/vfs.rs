//! The virtual filesystem: an in-memory tree of directories and files.
//!
//! Paths are absolute and normal (see [`resolve`]); the tree is a flat ordered map from
//! path to node, so listing a directory is a range scan and everything iterates in byte
//! order, which keeps output deterministic.

use std::collections::BTreeMap;

/// Errors in the words coreutils use (`strerror` of the matching errno).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VfsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Not a directory")]
    NotADirectory,
    #[error("File exists")]
    AlreadyExists,
    #[error("Directory not empty")]
    NotEmpty,
    #[error("Invalid argument")]
    InvalidArgument,
    #[error("Device or resource busy")]
    Busy,
    #[error("No space left on device")]
    NoSpace,
}

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
}

/// One node of the filesystem as plain data, for saving and restoring it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub kind: Kind,
    /// The contents (empty for directories).
    pub data: Vec<u8>,
    pub mode: u32,
    pub mtime: u64,
}

/// What `stat` tells about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    pub kind: Kind,
    /// Size in bytes (4096 for directories, as ext4 reports).
    pub len: u64,
    /// Permission bits, e.g. `0o644`.
    pub mode: u32,
    /// Modification time in simulated seconds since the epoch.
    pub mtime: u64,
}

impl Metadata {
    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }
    pub fn is_file(&self) -> bool {
        self.kind == Kind::File
    }
}

#[derive(Debug, Clone)]
enum Node {
    Dir { mode: u32, mtime: u64 },
    File { data: Vec<u8>, mode: u32, mtime: u64 },
}

/// An in-memory filesystem. Paths are absolute and normalised; `/` always exists.
///
/// `/dev/null` is special: it always reads empty and swallows writes.
#[derive(Debug, Clone)]
pub struct Vfs {
    nodes: BTreeMap<String, Node>,
    now: u64,
    /// Bytes held in files, and how many may be (a runaway `cat f >> f` fills the
    /// disk and fails as on Linux, instead of exhausting the browser's memory).
    used: u64,
    capacity: u64,
}

/// The default size of the disk: 64 MiB.
pub const DEFAULT_CAPACITY: u64 = 64 << 20;

impl Default for Vfs {
    fn default() -> Vfs {
        Vfs::new()
    }
}

pub const DEV_NULL: &str = "/dev/null";

impl Vfs {
    /// An empty filesystem holding `/`, `/tmp` and `/dev/null`.
    pub fn new() -> Vfs {
        let mut nodes = BTreeMap::new();
        for dir in ["/", "/dev", "/tmp"] {
            nodes.insert(dir.to_string(), Node::Dir { mode: 0o755, mtime: 0 });
        }
        nodes.insert(DEV_NULL.to_string(), Node::File { data: Vec::new(), mode: 0o666, mtime: 0 });
        Vfs { nodes, now: 0, used: 0, capacity: DEFAULT_CAPACITY }
    }

    /// Every node, parents before children, for saving.
    pub fn entries(&self) -> Vec<Entry> {
        self.nodes
            .iter()
            .map(|(path, node)| match node {
                Node::Dir { mode, mtime } => Entry { path: path.clone(), kind: Kind::Dir, data: Vec::new(), mode: *mode, mtime: *mtime },
                Node::File { data, mode, mtime } => {
                    Entry { path: path.clone(), kind: Kind::File, data: data.clone(), mode: *mode, mtime: *mtime }
                }
            })
            .collect()
    }

    /// A filesystem holding `entries` (missing parents are created; bad paths skipped).
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Vfs {
        let mut vfs = Vfs::new();
        for e in entries {
            let path = resolve("/", "/", &e.path);
            let node = match e.kind {
                Kind::Dir => Node::Dir { mode: e.mode & 0o7777, mtime: e.mtime },
                Kind::File => Node::File { data: e.data, mode: e.mode & 0o7777, mtime: e.mtime },
            };
            if path == "/" {
                continue;
            }
            if vfs.create_dir_all(parent(&path)).is_ok() {
                if let Node::File { data, .. } = &node {
                    vfs.used += data.len() as u64;
                }
                if let Some(Node::File { data, .. }) = vfs.nodes.insert(path, node) {
                    vfs.used -= data.len() as u64;
                }
            }
        }
        vfs.capacity = vfs.capacity.max(vfs.used);
        vfs
    }

    /// Sets the simulated time (seconds since the epoch) stamped on later writes.
    pub fn set_now(&mut self, secs: u64) {
        self.now = secs;
    }

    /// The simulated time writes are stamped with.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The contents of a file.
    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        match self.nodes.get(path) {
            Some(Node::File { data, .. }) => Ok(data),
            Some(Node::Dir { .. }) => Err(VfsError::IsADirectory),
            None => Err(self.missing(path)),
        }
    }

    /// Sets how many bytes files may hold in total.
    pub fn set_capacity(&mut self, bytes: u64) {
        self.capacity = bytes;
    }

    /// Bytes held in files.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Creates or replaces a file. The parent directory must exist, as with `open(2)`.
    pub fn write(&mut self, path: &str, data: Vec<u8>) -> Result<(), VfsError> {
        let new_len = data.len() as u64;
        self.write_with(path, new_len, false, |old| *old = data)
    }

    /// Appends to a file, creating it if needed.
    pub fn append(&mut self, path: &str, data: &[u8]) -> Result<(), VfsError> {
        self.write_with(path, data.len() as u64, true, |old| old.extend_from_slice(data))
    }

    fn write_with(&mut self, path: &str, len: u64, append: bool, f: impl FnOnce(&mut Vec<u8>)) -> Result<(), VfsError> {
        if path == DEV_NULL {
            return Ok(());
        }
        let now = self.now;
        let old_len = match self.nodes.get(path) {
            Some(Node::File { data, .. }) => data.len() as u64,
            _ => 0,
        };
        let new_len = if append { old_len + len } else { len };
        let used = self.used - old_len + new_len;
        if new_len > old_len && used > self.capacity {
            return Err(VfsError::NoSpace);
        }
        match self.nodes.get_mut(path) {
            Some(Node::File { data, mtime, .. }) => {
                f(data);
                *mtime = now;
                self.used = used;
                Ok(())
            }
            Some(Node::Dir { .. }) => Err(VfsError::IsADirectory),
            None => {
                self.check_parent(path)?;
                let mut data = Vec::new();
                f(&mut data);
                self.nodes.insert(path.to_string(), Node::File { data, mode: 0o644, mtime: now });
                self.used = used;
                Ok(())
            }
        }
    }

    /// Creates a file with everything above it (a convenience for setting up a sandbox).
    pub fn write_creating_dirs(&mut self, path: &str, data: Vec<u8>) -> Result<(), VfsError> {
        self.create_dir_all(parent(path))?;
        self.write(path, data)
    }

    /// `mkdir`: the parent must exist and the path must not.
    pub fn create_dir(&mut self, path: &str) -> Result<(), VfsError> {
        if self.nodes.contains_key(path) {
            return Err(VfsError::AlreadyExists);
        }
        self.check_parent(path)?;
        self.nodes.insert(path.to_string(), Node::Dir { mode: 0o755, mtime: self.now });
        Ok(())
    }

    /// `mkdir -p`: creates every missing directory; fine if it exists already.
    pub fn create_dir_all(&mut self, path: &str) -> Result<(), VfsError> {
        let mut current = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            current.push('/');
            current.push_str(part);
            match self.nodes.get(&current) {
                Some(Node::Dir { .. }) => {}
                Some(Node::File { .. }) => {
                    return Err(if current == path { VfsError::AlreadyExists } else { VfsError::NotADirectory })
                }
                None => {
                    self.nodes.insert(current.clone(), Node::Dir { mode: 0o755, mtime: self.now });
                }
            }
        }
        Ok(())
    }

    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.nodes.get(path), Some(Node::Dir { .. }))
    }
    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.nodes.get(path), Some(Node::File { .. }))
    }

    pub fn metadata(&self, path: &str) -> Result<Metadata, VfsError> {
        match self.nodes.get(path) {
            Some(Node::Dir { mode, mtime }) => Ok(Metadata { kind: Kind::Dir, len: 4096, mode: *mode, mtime: *mtime }),
            Some(Node::File { data, mode, mtime }) => {
                Ok(Metadata { kind: Kind::File, len: data.len() as u64, mode: *mode, mtime: *mtime })
            }
            None => Err(self.missing(path)),
        }
    }

    /// Sets the permission bits (`chmod`).
    pub fn set_mode(&mut self, path: &str, new_mode: u32) -> Result<(), VfsError> {
        match self.nodes.get_mut(path) {
            Some(Node::Dir { mode, .. }) | Some(Node::File { mode, .. }) => {
                *mode = new_mode & 0o7777;
                Ok(())
            }
            None => Err(VfsError::NotFound),
        }
    }

    /// `touch`: updates the time, creating an empty file when missing.
    pub fn touch(&mut self, path: &str) -> Result<(), VfsError> {
        let now = self.now;
        match self.nodes.get_mut(path) {
            Some(Node::Dir { mtime, .. }) | Some(Node::File { mtime, .. }) => {
                *mtime = now;
                Ok(())
            }
            None => self.write(path, Vec::new()),
        }
    }

    /// The names in a directory, sorted bytewise, without `.` and `..`.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, VfsError> {
        match self.nodes.get(path) {
            Some(Node::Dir { .. }) => {}
            Some(Node::File { .. }) => return Err(VfsError::NotADirectory),
            None => return Err(self.missing(path)),
        }
        let prefix = if path == "/" { "/".to_string() } else { format!("{path}/") };
        let names = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| &k[prefix.len()..])
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_string)
            .collect();
        Ok(names)
    }

    /// Removes a file or an empty directory (`rm`, `rmdir`).
    pub fn remove(&mut self, path: &str) -> Result<(), VfsError> {
        match self.nodes.get(path) {
            None => Err(self.missing(path)),
            Some(Node::File { data, .. }) => {
                self.used -= data.len() as u64;
                self.nodes.remove(path);
                Ok(())
            }
            Some(Node::Dir { .. }) => {
                if path == "/" {
                    return Err(VfsError::Busy);
                }
                if !self.list_dir(path)?.is_empty() {
                    return Err(VfsError::NotEmpty);
                }
                self.nodes.remove(path);
                Ok(())
            }
        }
    }

    /// Removes a file or a directory with everything in it (`rm -r`).
    pub fn remove_all(&mut self, path: &str) -> Result<(), VfsError> {
        if !self.nodes.contains_key(path) {
            return Err(self.missing(path));
        }
        if path == "/" {
            return Err(VfsError::Busy);
        }
        let prefix = format!("{path}/");
        let doomed: Vec<String> =
            self.nodes.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.clone()).collect();
        for key in doomed.iter().map(String::as_str).chain([path]) {
            if let Some(Node::File { data, .. }) = self.nodes.remove(key) {
                self.used -= data.len() as u64;
            }
        }
        Ok(())
    }

    /// Moves a file or a directory tree (`rename(2)`): replaces a file at `to`, or an
    /// empty directory; refuses to move a directory into itself.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), VfsError> {
        if from == to {
            return if self.exists(from) { Ok(()) } else { Err(self.missing(from)) };
        }
        let node = self.nodes.get(from).cloned().ok_or_else(|| self.missing(from))?;
        self.check_parent(to)?;
        if from == "/" || to.starts_with(&format!("{from}/")) {
            return Err(VfsError::InvalidArgument);
        }
        match (&node, self.nodes.get(to)) {
            (Node::File { .. }, Some(Node::Dir { .. })) => return Err(VfsError::IsADirectory),
            (Node::Dir { .. }, Some(Node::File { .. })) => return Err(VfsError::NotADirectory),
            (Node::Dir { .. }, Some(Node::Dir { .. }))
                if !self.list_dir(to)?.is_empty() => {
                    return Err(VfsError::NotEmpty);
                }
            _ => {}
        }
        let prefix = format!("{from}/");
        let moved: Vec<(String, Node)> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, _) in &moved {
            self.nodes.remove(key);
        }
        self.nodes.remove(from);
        if let Some(Node::File { data, .. }) = self.nodes.insert(to.to_string(), node) {
            self.used -= data.len() as u64;
        }
        for (key, value) in moved {
            self.nodes.insert(format!("{to}/{}", &key[prefix.len()..]), value);
        }
        Ok(())
    }

    /// Every path at or below `path`, in order (for `grep -r`, `cp -r`, `find`).
    pub fn walk(&self, path: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.nodes.contains_key(path) {
            return out;
        }
        out.push(path.to_string());
        let prefix = if path == "/" { "/".to_string() } else { format!("{path}/") };
        out.extend(
            self.nodes
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .filter(|(k, _)| k.as_str() != path)
                .map(|(k, _)| k.clone()),
        );
        out
    }

    /// Why a path cannot be found: a file in the middle means "Not a directory".
    fn missing(&self, path: &str) -> VfsError {
        let mut current = String::new();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        for part in parts.iter().take(parts.len().saturating_sub(1)) {
            current.push('/');
            current.push_str(part);
            match self.nodes.get(&current) {
                Some(Node::File { .. }) => return VfsError::NotADirectory,
                None => return VfsError::NotFound,
                _ => {}
            }
        }
        VfsError::NotFound
    }

    fn check_parent(&self, path: &str) -> Result<(), VfsError> {
        let parent = parent(path);
        match self.nodes.get(parent) {
            Some(Node::Dir { .. }) => Ok(()),
            Some(Node::File { .. }) => Err(VfsError::NotADirectory),
            None => Err(self.missing(parent)),
        }
    }
}

/// The directory part of a normal absolute path (`/` for `/x`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a normal absolute path (`/` for `/`).
pub fn file_name(path: &str) -> &str {
    if path == "/" {
        return "/";
    }
    path.rsplit('/').next().unwrap_or(path)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_operations() {
        let mut vfs = Vfs::new();
        vfs.create_dir_all("/home/learner/a/b").unwrap();
        vfs.write("/home/learner/a/b/f", b"x".to_vec()).unwrap();
        assert_eq!(vfs.write("/nope/f", vec![]), Err(VfsError::NotFound));
        assert_eq!(vfs.write("/home/learner/a/b/f/g", vec![]), Err(VfsError::NotADirectory));
        assert_eq!(vfs.list_dir("/home/learner/a").unwrap(), vec!["b"]);
        assert_eq!(vfs.remove("/home/learner/a"), Err(VfsError::NotEmpty));
        vfs.rename("/home/learner/a", "/home/learner/c").unwrap();
        assert_eq!(vfs.read("/home/learner/c/b/f").unwrap(), b"x");
        assert_eq!(vfs.rename("/home/learner/c", "/home/learner/c/b/z"), Err(VfsError::InvalidArgument));
        vfs.remove_all("/home/learner/c").unwrap();
        assert_eq!(vfs.list_dir("/home/learner").unwrap(), Vec::<String>::new());
        assert_eq!(vfs.list_dir("/").unwrap(), vec!["dev", "home", "tmp"]);
    }
}
