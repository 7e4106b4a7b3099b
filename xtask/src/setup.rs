//! `setup`, shared by every task: finds or installs, idempotently, what the build and
//! the tests need, printing one line per tool. A second run installs nothing.
//!
//! The wasm compiler is found in the order `/work/shared/docs/toolchain.md` verified:
//! rustup's wasm32 std → Debian's rustc-web with build-std → `rustup target add` (with
//! a timeout: it hangs without network) → `apt-get install` as root on Debian → a
//! message saying what to install.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::fail;
use crate::util::{self, run, version_of, which, Result};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";
const DEBIAN_STD_SOURCES: &str = "/usr/lib/rustlib/src/rust/library";
const DEBIAN_LINKER: &str = "wasm-ld-19";
const DEBIAN_WASM_PACKAGES: &[&str] = &["rustc-web", "cargo-web", "rust-web-src", "lld-19"];
const RUSTUP_TIMEOUT: Duration = Duration::from_secs(45);

/// How wasm32 gets compiled on this machine.
#[derive(Debug, Clone)]
pub enum WasmToolchain {
    /// The active rustc has the wasm32 standard library: a plain build.
    Rustup,
    /// Debian's rustc-web compiles `std` from source (`-Z build-std`, enabled through
    /// environment variables so contributors with a rustup target are not forced into it).
    DebianBuildStd,
}

/// Everything found by [`setup`].
#[derive(Debug, Clone)]
pub struct Tools {
    pub root: PathBuf,
    pub wasm: WasmToolchain,
    pub trunk: PathBuf,
    pub node: PathBuf,
    pub chromium: PathBuf,
}

impl Tools {
    /// `www/node_modules/.bin` (binaryen's wasm-opt, esbuild).
    pub fn node_bin(&self) -> PathBuf {
        self.root.join("www/node_modules/.bin")
    }

    /// The wasm target directory, separate from the native one so the two compilers
    /// do not invalidate each other's caches.
    pub fn wasm_target_dir(&self) -> PathBuf {
        self.root.join("target/wasm")
    }

    /// Prepares `cmd` (cargo or trunk) to build for wasm32 with the toolchain found:
    /// PATH, the build-std variables, the target directory.
    pub fn wasm_env(&self, cmd: &mut Command) {
        let mut path = vec![self.node_bin()];
        if let WasmToolchain::DebianBuildStd = self.wasm {
            path.push(PathBuf::from("/usr/bin"));
        }
        path.push(cargo_bin());
        if let Some(existing) = std::env::var_os("PATH") {
            path.extend(std::env::split_paths(&existing));
        }
        cmd.env("PATH", std::env::join_paths(path).expect("paths without ':'"));
        cmd.env("CARGO_TARGET_DIR", self.wasm_target_dir());
        // `cargo xtask` runs under rustup, which tells children which toolchain it
        // chose; the wasm build decides for itself.
        for var in ["RUSTUP_TOOLCHAIN", "RUSTC", "RUSTDOC", "RUSTC_WRAPPER", "CARGO"] {
            cmd.env_remove(var);
        }
        if let WasmToolchain::DebianBuildStd = self.wasm {
            cmd.env("RUSTC", DEBIAN_RUSTC)
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", DEBIAN_LINKER);
        }
    }

    /// A cargo command for wasm32 builds.
    pub fn wasm_cargo(&self) -> Command {
        let program = match self.wasm {
            WasmToolchain::Rustup => "cargo",
            WasmToolchain::DebianBuildStd => DEBIAN_CARGO,
        };
        let mut cmd = Command::new(program);
        self.wasm_env(&mut cmd);
        cmd.current_dir(&self.root);
        cmd
    }
}

/// Finds or installs every tool. Fails with a message naming what is missing.
pub fn setup() -> Result<Tools> {
    let root = util::root();
    let mut apt = Apt::default();
    let wasm = wasm_toolchain(&mut apt)?;
    let trunk = trunk()?;
    wasm_bindgen(&root)?;
    let node = node(&mut apt)?;
    npm_packages(&root)?;
    let chromium = chromium(&mut apt)?;
    Ok(Tools { root, wasm, trunk, node, chromium })
}

fn say(tool: &str, what: &str) {
    println!("setup: {tool:<16} {what}");
}

fn cargo_bin() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

fn wasm_toolchain(apt: &mut Apt) -> Result<WasmToolchain> {
    if rustup_has_wasm_std() {
        say("wasm toolchain", "found: the active rustc has the wasm32 std");
        return Ok(WasmToolchain::Rustup);
    }
    if debian_rustc_web() {
        say("wasm toolchain", &format!("found: {} + build-std", describe_debian_rustc()));
        return Ok(WasmToolchain::DebianBuildStd);
    }
    if which("rustup").is_some() {
        println!("setup: trying `rustup target add {WASM_TARGET}` (at most {} s)…", RUSTUP_TIMEOUT.as_secs());
        let mut cmd = Command::new("rustup");
        cmd.args(["target", "add", WASM_TARGET]);
        if let Ok(Some(status)) = util::run_with_timeout(&mut cmd, RUSTUP_TIMEOUT) {
            if status.success() && rustup_has_wasm_std() {
                say("wasm toolchain", "installed: rustup target wasm32-unknown-unknown");
                return Ok(WasmToolchain::Rustup);
            }
        }
    }
    if apt.usable() {
        apt.install(DEBIAN_WASM_PACKAGES)?;
        if debian_rustc_web() {
            say("wasm toolchain", &format!("installed: {} + build-std", describe_debian_rustc()));
            return Ok(WasmToolchain::DebianBuildStd);
        }
    }
    fail!(
        "no Rust compiler for {WASM_TARGET}: run `rustup target add {WASM_TARGET}`, \
         or on Debian 12 (as root) `apt-get install {}`",
        DEBIAN_WASM_PACKAGES.join(" ")
    )
}

fn rustup_has_wasm_std() -> bool {
    let Ok(sysroot) = util::output(Command::new("rustc").args(["--print", "sysroot"])) else {
        return false;
    };
    let lib = Path::new(sysroot.trim()).join("lib/rustlib").join(WASM_TARGET).join("lib");
    fs::read_dir(lib)
        .map(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("libstd-") && name.ends_with(".rlib")
            })
        })
        .unwrap_or(false)
}

fn debian_rustc_web() -> bool {
    Path::new(DEBIAN_RUSTC).exists()
        && Path::new(DEBIAN_CARGO).exists()
        && Path::new(DEBIAN_STD_SOURCES).is_dir()
        && which(DEBIAN_LINKER).is_some()
}

fn describe_debian_rustc() -> String {
    version_of(Path::new(DEBIAN_RUSTC))
        .map(|v| format!("Debian {}", v.split(" (").next().unwrap_or(&v)))
        .unwrap_or_else(|| "Debian rustc-web".to_string())
}

fn trunk() -> Result<PathBuf> {
    let path = cargo_bin().join("trunk");
    let wanted = format!("trunk {TRUNK_VERSION}");
    if version_of(&path).as_deref() == Some(&wanted) {
        say("trunk", &format!("found: {TRUNK_VERSION}"));
        return Ok(path);
    }
    println!("setup: installing trunk {TRUNK_VERSION} (about 6 minutes on 2 cores)…");
    run(Command::new("cargo").args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]))?;
    if version_of(&path).as_deref() != Some(&wanted) {
        fail!("`cargo install trunk@{TRUNK_VERSION}` did not leave {wanted} at {}", path.display());
    }
    say("trunk", &format!("installed: {TRUNK_VERSION}"));
    Ok(path)
}

/// The wasm-bindgen version in `Cargo.lock`: the CLI must be exactly that version.
pub fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = ")) {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    fail!("Cargo.lock has no wasm-bindgen package: does crates/web still depend on it?")
}

fn wasm_bindgen(root: &Path) -> Result<()> {
    let version = locked_wasm_bindgen(root)?;
    let path = cargo_bin().join("wasm-bindgen");
    let wanted = format!("wasm-bindgen {version}");
    if version_of(&path).as_deref() == Some(&wanted) {
        say("wasm-bindgen", &format!("found: {version}"));
        return Ok(());
    }
    println!("setup: installing wasm-bindgen-cli {version} (about 2 minutes)…");
    // Not --locked: one of its locked dependency versions is not served by the registry.
    run(Command::new("cargo").args(["install", &format!("wasm-bindgen-cli@{version}")]))?;
    if version_of(&path).as_deref() != Some(&wanted) {
        fail!("`cargo install wasm-bindgen-cli@{version}` did not leave {wanted} at {}", path.display());
    }
    say("wasm-bindgen", &format!("installed: {version}"));
    Ok(())
}

fn node(apt: &mut Apt) -> Result<PathBuf> {
    if let (Some(node), Some(_)) = (which("node"), which("npm")) {
        let version = version_of(&node).unwrap_or_default();
        say("node", &format!("found: {version}"));
        return Ok(node);
    }
    if apt.usable() {
        apt.install(&["nodejs", "npm"])?;
        if let (Some(node), Some(_)) = (which("node"), which("npm")) {
            say("node", &format!("installed: {}", version_of(&node).unwrap_or_default()));
            return Ok(node);
        }
    }
    fail!("node and npm are needed (version 20 or later): install Node.js")
}

/// `npm ci` in `www/` unless `node_modules` was installed from this very lock file.
fn npm_packages(root: &Path) -> Result<()> {
    let www = root.join("www");
    let lock = fs::read(www.join("package-lock.json"))
        .map_err(|e| util::Error(format!("www/package-lock.json: {e}")))?;
    let stamp_path = www.join("node_modules/.kubeniwa-stamp");
    let stamp = format!("{:016x}\n", util::fnv1a(&lock));
    if fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
        && www.join("node_modules/.bin/esbuild").exists()
    {
        say("npm packages", "found: www/node_modules matches package-lock.json");
        return Ok(());
    }
    println!("setup: npm ci in www/…");
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&www))?;
    fs::write(&stamp_path, stamp)?;
    say("npm packages", "installed: npm ci");
    Ok(())
}

fn chromium(apt: &mut Apt) -> Result<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if util::is_executable(&path) {
        say("chromium", &format!("found: {CHROMIUM}"));
        return Ok(path);
    }
    if apt.usable() {
        apt.install(&["chromium"])?;
        if util::is_executable(&path) {
            say("chromium", &format!("installed: {CHROMIUM}"));
            return Ok(path);
        }
    }
    fail!("the browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
}

/// apt-get, as root on Debian only; `apt-get update` at most once per run.
#[derive(Default)]
struct Apt {
    updated: bool,
}

impl Apt {
    fn usable(&self) -> bool {
        Path::new("/etc/debian_version").exists()
            && which("apt-get").is_some()
            && util::output(Command::new("id").arg("-u")).map(|u| u.trim() == "0").unwrap_or(false)
    }

    fn install(&mut self, packages: &[&str]) -> Result<()> {
        println!("setup: apt-get install {}…", packages.join(" "));
        if !self.updated {
            run(Command::new("apt-get").args(["update", "-q"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
            self.updated = true;
        }
        run(Command::new("apt-get")
            .args(["install", "-y", "-q"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    }
}
