//! Building the static site: the JavaScript bundles (esbuild, `www/build.mjs`), then
//! `trunk build --release`, then a check of what came out.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::fail;
use crate::setup::Tools;
use crate::util::{run, seconds, Result};

/// Files the page cannot work without, relative to `dist/`.
pub const REQUIRED: &[&str] = &[
    "index.html",
    "boot.js",
    "app.js",
    "app_bg.wasm",
    "worker_loader.js",
    "worker.js",
    "worker_bg.wasm",
    "style.css",
    "build/terminal.js",
    "build/terminal.css",
    "build/editor.js",
    "build/editor.css",
    "build/editor.worker.js",
    "build/yaml.worker.js",
];

/// Builds the site into `dist` (relative to the repository root or absolute).
pub fn build(tools: &Tools, dist: &Path) -> Result<PathBuf> {
    let start = Instant::now();
    println!("site: bundling JavaScript (esbuild)…");
    run(Command::new(&tools.node).arg("www/build.mjs").current_dir(&tools.root))?;

    println!("site: trunk build --release…");
    let dist = if dist.is_absolute() { dist.to_path_buf() } else { tools.root.join(dist) };
    let mut trunk = Command::new(&tools.trunk);
    trunk
        .args(["build", "--release", "--dist"])
        .arg(&dist)
        .current_dir(&tools.root)
        // Trunk's own output is enough; cargo's progress bars make CI logs unreadable.
        .env("CARGO_TERM_PROGRESS_WHEN", "never");
    tools.wasm_env(&mut trunk);
    run(&mut trunk)?;
    check(&dist)?;
    println!("site: built {} in {}", dist.display(), seconds(start.elapsed()));
    Ok(dist)
}

/// What a static host needs from `dist/`: every file, relative URLs only, the CSP,
/// and no inline script (the CSP forbids them).
pub fn check(dist: &Path) -> Result<()> {
    for file in REQUIRED {
        if !dist.join(file).is_file() {
            fail!("dist/{file} is missing");
        }
    }
    let html = fs::read_to_string(dist.join("index.html"))?;
    if !html.contains("http-equiv=\"Content-Security-Policy\"") {
        fail!("dist/index.html has no Content-Security-Policy <meta>");
    }
    for (at, _) in html.match_indices("<script") {
        let tag_end = html[at..].find('>').map(|i| at + i).unwrap_or(html.len());
        if !html[at..tag_end].contains(" src=") {
            fail!("dist/index.html has an inline <script>, which the CSP blocks");
        }
    }
    for attr in ["src=\"/", "href=\"/", "src=\"http", "href=\"http"] {
        if html.contains(attr) {
            fail!("dist/index.html has an absolute URL ({attr}…): the site must work from any sub-path");
        }
    }
    Ok(())
}
