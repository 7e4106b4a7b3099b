//! `kubectl attach (POD | pod/NAME) [-c CONTAINER] [-i] [-t] [-q]`: the output the
//! container's process writes from now on (held like `logs -f`, ending with the
//! container), or with `-i -t` the terminal joined to its shell on stdin.

use kubeniwa_core::Request;
use serde_json::Value;

use crate::{server_error, Ctx, ExecMode, ExecReply, ExecTarget, Fail, Outcome};

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return Err(Fail::Text("error: at least 1 argument is required for attach\n".into()));
    }
    if args.len() > 2 {
        return Err(Fail::Text(format!("error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]\n", args.len(), args.join(" "))));
    }
    if let Some(t) = ctx.flags.get("pod-running-timeout") {
        if t.trim_start_matches('-').trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse::<f64>().map_or(true, |n| n <= 0.0 || t.starts_with('-')) {
            return Err(Fail::Text("error: --pod-running-timeout must be higher than zero\n".into()));
        }
    }
    let name = match args.as_slice() {
        [one] => match one.split_once('/') {
            Some(("pod" | "pods" | "po", n)) => n.to_string(),
            Some((kind, _)) => return Err(Fail::Text(format!("error: cannot attach to {kind}: only pods are attached to here\n"))),
            None => one.clone(),
        },
        [kind, n] if matches!(kind.as_str(), "pod" | "pods" | "po") => n.clone(),
        [kind, _] => return Err(Fail::Text(format!("error: cannot attach to {kind}: only pods are attached to here\n"))),
        _ => unreachable!("one or two arguments"),
    };
    let path = format!("/api/v1/namespaces/{}/pods/{name}", ctx.namespace);
    let pod = match ctx.call(Request::get(path.clone()))? {
        Ok(p) => p,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if matches!(phase, "Succeeded" | "Failed") {
        return Err(Fail::Text(format!("error: cannot attach a container in a completed pod; current phase is {phase}\n")));
    }
    let quiet = ctx.flags.flag("quiet");
    let container = find_container(ctx, &pod, &name, quiet)?;
    let container_name = container["name"].as_str().unwrap_or("").to_string();
    let stdin = ctx.flags.flag("stdin");
    let mut tty = ctx.flags.flag("tty");
    if tty && container["tty"] != true {
        tty = false;
        if !quiet {
            ctx.io.err(format!("error: Unable to use a TTY - container {container_name} did not allocate one\n"));
        }
    } else if !tty && container["tty"] == true {
        // A container started with a TTY is attached with one.
        tty = true;
    }
    // Only stdin that is the terminal makes a raw TTY (then stderr is not separate).
    let raw = tty && stdin && ctx.io.stdin.is_empty();
    if !quiet {
        ctx.io.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
    }
    let mut query = format!("?container={container_name}");
    if !raw {
        query.push_str("&stderr=true");
    }
    if stdin {
        query.push_str("&stdin=true");
    }
    query.push_str("&stdout=true");
    if raw {
        query.push_str("&tty=true");
    }
    let server = ctx.server.clone().unwrap_or_default();
    let v = crate::verbose::level(&ctx.flags);
    crate::verbose::upgrade(ctx.io, v, ctx.backend.now(), &server, &format!("{path}/attach{query}"));
    // The kubelet attaches only to a running container.
    let running = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .chain(pod["status"]["initContainerStatuses"].as_array())
        .chain(pod["status"]["ephemeralContainerStatuses"].as_array())
        .flatten()
        .any(|s| s["name"] == container_name.as_str() && !s["state"]["running"].is_null());
    if !running {
        return Err(Fail::Text(format!("error: unable to upgrade connection: container {container_name} not found in pod {name}_{}\n", ctx.namespace)));
    }
    let shell = command_of(&container).first().map(|c| c.rsplit('/').next().unwrap_or(c).to_string()).filter(|c| matches!(c.as_str(), "sh" | "bash" | "ash"));
    if raw && container["stdin"] == true {
        if let Some(program) = shell {
            // The terminal now talks to the container's shell.
            let target = ExecTarget { namespace: ctx.namespace.clone(), pod: name, container: container_name };
            return match ctx.backend.exec(&server, &target, &[program], b"", ExecMode::AttachMain) {
                ExecReply::Session => Ok(()),
                ExecReply::Done { output, .. } => {
                    ctx.io.out(output);
                    Ok(())
                }
                ExecReply::Failed(e) => Err(Fail::Text(format!("{e}\n"))),
            };
        }
    }
    // What the process writes from now on, until it stops.
    crate::follow::follow_new_output(ctx, &path, &container_name, &pod)
}

/// The container `-c` names (among all of the pod's), or the default one.
fn find_container(ctx: &mut Ctx, pod: &Value, name: &str, quiet: bool) -> Result<Value, Fail> {
    let spec = &pod["spec"];
    let all: Vec<&Value> = ["containers", "initContainers", "ephemeralContainers"].iter().flat_map(|f| spec[*f].as_array().into_iter().flatten()).collect();
    if let Some(wanted) = ctx.flags.get("container").map(String::from) {
        return all.iter().find(|c| c["name"] == wanted.as_str()).map(|c| (*c).clone()).ok_or_else(|| Fail::Text(format!("error: cannot attach to the container: container {wanted} not found in pod {name}\n")));
    }
    let containers: Vec<&Value> = spec["containers"].as_array().into_iter().flatten().collect();
    if let Some(default) = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"].as_str() {
        if let Some(c) = containers.iter().find(|c| c["name"] == default) {
            return Ok((*c).clone());
        }
    }
    let first = containers.first().map(|c| (*c).clone()).unwrap_or(Value::Null);
    if containers.len() > 1 && !quiet {
        let names: Vec<&str> = containers.iter().filter_map(|c| c["name"].as_str()).collect();
        ctx.io.err(format!("Defaulted container \"{}\" out of: {}\n", names[0], names.join(", ")));
    }
    Ok(first)
}

fn command_of(container: &Value) -> Vec<String> {
    ["command", "args"].iter().flat_map(|f| container[*f].as_array().cloned().unwrap_or_default()).filter_map(|v| v.as_str().map(String::from)).collect()
}
