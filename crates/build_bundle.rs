// Shared by the build scripts of `kubeniwa-sandbox` (the URL catalogue) and
// `kubeniwa-lessons` (the lesson folders), each `include!`s it: a tree of text files
// compiled into the crate as `pub(crate) static FILES: &[(&str, &str)]`, one
// `include_str!` per file keyed by its `/`-joined path under the root, so a changed or
// added file rebuilds the crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The UTF-8 files under `dir`, each (and each folder) watched for changes.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            collect(&path, files);
        } else if std::fs::read(&path).map(|b| std::str::from_utf8(&b).is_ok()).unwrap_or(false) {
            files.push(path);
        }
    }
}

/// Writes `$OUT_DIR/<out_name>` listing `files` (found under `root`).
fn write_bundle(root: &Path, mut files: Vec<PathBuf>, out_name: &str) {
    files.sort();
    let mut out = String::from("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        let rel = path.strip_prefix(root).expect("under root");
        let key: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let abs = path.canonicalize().expect("bundled file path");
        writeln!(out, "    ({:?}, include_str!({:?})),", key.join("/"), abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join(out_name);
    std::fs::write(dest, out).expect("write the bundle");
}

/// The crate's directory.
fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"))
}
