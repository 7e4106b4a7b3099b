//! `kubectl debug POD --image=IMG [--target=CTR] [-it] [-c NAME] [-- COMMAND...]`:
//! adds an ephemeral container through the `pods/ephemeralcontainers` subresource
//! (a strategic merge patch, as `debugByEphemeralContainer` sends it) and, with
//! `-i`, waits for it to run and attaches to it.

use kubeniwa_core::{Method, Request};
use serde_json::{json, Value};

use crate::{server_error, Ctx, ExecMode, ExecReply, ExecTarget, Fail, Outcome};

/// `utilrand.String`'s alphabet (no vowels, no confusable digits).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    let Some(target) = args.first().cloned() else {
        return Err(Fail::Usage { message: "at least 1 argument is required for debug".into(), command: "debug".into() });
    };
    let interactive = ctx.flags.flag("stdin");
    let tty = ctx.flags.flag("tty");
    let quiet = ctx.flags.flag("quiet");
    let image = ctx.flags.get("image").map(String::from).unwrap_or_default();
    if image.is_empty() {
        return Err(Fail::Text("error: --image is required when --copy-to is not specified\n".into()));
    }
    let profile = ctx.flags.get("profile").map(String::from).unwrap_or_else(|| "legacy".into());
    if !matches!(profile.as_str(), "legacy" | "general" | "baseline" | "netadmin" | "restricted" | "sysadmin") {
        return Err(Fail::Text(format!("error: unknown profile: {profile}\n")));
    }
    let target_container = ctx.flags.get("target").map(String::from).unwrap_or_default();
    if !target_container.is_empty() && !quiet {
        ctx.io.out(format!("Targeting container \"{target_container}\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n"));
    }
    if tty && !interactive {
        return Err(Fail::Text("error: -i/--stdin is required for containers with -t/--tty=true\n".into()));
    }
    if profile == "legacy" {
        ctx.io.err("--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".\n");
    }
    let name = target.strip_prefix("pod/").or(target.strip_prefix("pods/")).or(target.strip_prefix("po/")).unwrap_or(&target).to_string();
    let path = format!("/api/v1/namespaces/{}/pods/{name}", ctx.namespace);
    let pod = match ctx.call(Request::get(path.clone()))? {
        Ok(p) => p,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let container_name = match ctx.flags.get("container") {
        Some(c) => c.to_string(),
        None => {
            let taken = |n: &str| ["containers", "initContainers", "ephemeralContainers"].iter().any(|f| pod["spec"][*f].as_array().is_some_and(|cs| cs.iter().any(|c| c["name"] == n)));
            let mut seed = format!("{}{}", pod["metadata"]["uid"].as_str().unwrap_or(""), ctx.backend.now());
            let mut cn = String::new();
            while cn.is_empty() || taken(&cn) {
                cn = format!("debugger-{}", suffix(&seed));
                seed.push('+');
            }
            if !quiet {
                ctx.io.out(format!("Defaulting debug container name to {cn}.\n"));
            }
            cn
        }
    };
    let command = ctx.flags.after_dash.clone().unwrap_or_default();
    let mut ec = json!({
        "name": container_name,
        "image": image,
        "resources": {},
        "terminationMessagePolicy": "File",
    });
    if !command.is_empty() {
        let field = if ctx.flags.flag("arguments-only") { "args" } else { "command" };
        ec[field] = json!(command);
    }
    if let Some(p) = ctx.flags.get("image-pull-policy") {
        ec["imagePullPolicy"] = json!(p);
    }
    if interactive {
        ec["stdin"] = json!(true);
    }
    if tty {
        ec["tty"] = json!(true);
    }
    if !target_container.is_empty() {
        ec["targetContainerName"] = json!(target_container);
    }
    let patch = json!({"spec": {"ephemeralContainers": [ec]}});
    let req = Request::new(Method::Patch, format!("{path}/ephemeralcontainers")).content_type("application/strategic-merge-patch+json").body(patch);
    if let Err(e) = ctx.call(req)? {
        return Err(Fail::Text(server_error(&e)));
    }
    if !interactive {
        return Ok(());
    }
    // `waitForContainer`: until the debug container runs (or has already ended).
    let mut waited = 0;
    let mut state = Value::Null;
    while waited < 300_000 {
        if let Ok(p) = ctx.call(Request::get(path.clone()))? {
            let status = p["status"]["ephemeralContainerStatuses"].as_array().and_then(|s| s.iter().find(|s| s["name"] == container_name.as_str())).cloned();
            if let Some(s) = status {
                state = s["state"].clone();
                if !state["running"].is_null() || !state["terminated"].is_null() {
                    break;
                }
            }
        }
        ctx.backend.wait(500);
        waited += 500;
    }
    if !state["terminated"].is_null() {
        // `handleAttachPod`: an ephemeral container that has already ended is not
        // attached to; its log is printed instead.
        let log = format!("{path}/log?container={container_name}");
        return match ctx.call(Request::get(log))? {
            Ok(Value::String(text)) => {
                ctx.io.out(text);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(Fail::Text(server_error(&e))),
        };
    }
    if state["running"].is_null() {
        return Err(Fail::Text("error: timed out waiting for the condition\n".into()));
    }
    let one_shot = !(command.is_empty() || command.len() == 1 && matches!(command[0].rsplit('/').next(), Some("sh" | "bash" | "ash")));
    if !quiet && tty && !one_shot {
        ctx.io.err("If you don't see a command prompt, try pressing enter.\n");
    }
    let server = ctx.server.clone().unwrap_or_default();
    let exec_target = ExecTarget { namespace: ctx.namespace.clone(), pod: name, container: container_name };
    let argv = if command.is_empty() { vec!["sh".to_string()] } else { command };
    match ctx.backend.exec(&server, &exec_target, &argv, b"", ExecMode::AttachEphemeral) {
        ExecReply::Done { output, .. } => {
            ctx.io.out(output);
            Ok(())
        }
        ExecReply::Session => Ok(()),
        ExecReply::Failed(e) => Err(Fail::Text(format!("{e}\n"))),
    }
}

/// Five characters from `utilrand`'s alphabet, derived from `seed`.
fn suffix(seed: &str) -> String {
    let mut h = kubeniwa_core::rng::fnv32a(seed.as_bytes()) as u64 | 1 << 40;
    let mut out = String::new();
    for i in 0..5 {
        h = h.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407 + i);
        out.push(ALPHANUMS[((h >> 33) % ALPHANUMS.len() as u64) as usize] as char);
    }
    out
}
