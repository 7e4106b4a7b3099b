//! Compiles the lesson folders into the crate: writes `$OUT_DIR/bundled.rs` with one
//! `include_str!` per file of every folder under `lessons/`, so the web app has them
//! without a network fetch and a changed lesson rebuilds the crate (the walk is shared
//! with the sandbox crate: `crates/build_bundle.rs`).

include!("../build_bundle.rs");

fn main() {
    let root = manifest_dir().join("../../lessons");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=../build_bundle.rs");
    let mut files = Vec::new();
    // Only the folders: a file beside them is no lesson's.
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                collect(&entry.path(), &mut files);
            }
        }
    }
    write_bundle(&root, files, "bundled.rs");
}
