//! Compiles the URL catalogue (`data/urls/`) into the crate: writes
//! `$OUT_DIR/urls.rs` with one `include_str!` per file, keyed by its path under
//! `data/urls/` (the walk is shared with the lessons crate: `crates/build_bundle.rs`).

include!("../build_bundle.rs");

fn main() {
    let root = manifest_dir().join("data/urls");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=../build_bundle.rs");
    let mut files = Vec::new();
    collect(&root, &mut files);
    write_bundle(&root, files, "urls.rs");
}
