//! `kubectl exec [-it] POD [-c CONTAINER] -- COMMAND [ARGS...]`

use kubeniwa_core::Request;

use crate::{server_error, Ctx, ExecMode, ExecReply, ExecTarget, Fail, Outcome};

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    let Some(target) = args.first().cloned() else {
        return Err(Fail::Text("error: pod, type/name or --filename must be specified\n".into()));
    };
    let Some(command) = ctx.flags.after_dash.clone().filter(|c| !c.is_empty()) else {
        if args.len() > 1 {
            return Err(Fail::Text("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n".into()));
        }
        return Err(Fail::Text("error: you must specify at least one command for the container\n".into()));
    };
    let name = target.strip_prefix("pod/").or(target.strip_prefix("pods/")).unwrap_or(&target).to_string();
    let pod = match ctx.call(Request::get(format!("/api/v1/namespaces/{}/pods/{name}", ctx.namespace)))? {
        Ok(p) => p,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let names: Vec<String> = pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect();
    let container = match ctx.flags.get("container") {
        Some(c) => {
            if !names.iter().any(|n| n == c) {
                return Err(Fail::Text(format!("Error from server (BadRequest): container {c} is not valid for pod {name}\n")));
            }
            c.to_string()
        }
        None => {
            if names.len() > 1 && !ctx.flags.flag("quiet") {
                ctx.io.err(format!("Defaulted container \"{}\" out of: {}\n", names[0], names.join(", ")));
            }
            names.first().cloned().unwrap_or_default()
        }
    };
    let interactive = ctx.flags.flag("stdin") && ctx.flags.flag("tty") && ctx.io.stdin.is_empty();
    let shell = command.first().map(|c| c.rsplit('/').next().unwrap_or(c)).is_some_and(|c| matches!(c, "sh" | "bash" | "ash")) && command.len() == 1;
    let mode = if interactive && shell { ExecMode::Interactive } else { ExecMode::Run };
    let stdin = if ctx.flags.flag("stdin") { ctx.io.stdin.to_vec() } else { Vec::new() };
    let server = ctx.server.clone().unwrap_or_default();
    let exec_target = ExecTarget { namespace: ctx.namespace.clone(), pod: name, container };
    match ctx.backend.exec(&server, &exec_target, &command, &stdin, mode) {
        ExecReply::Done { output, status } => {
            ctx.io.out(output);
            if status != 0 {
                // kubectl exits with the command's own status (CodeExitError).
                return Err(Fail::Exit { text: format!("command terminated with exit code {status}\n"), status });
            }
            Ok(())
        }
        ExecReply::Session => Ok(()),
        ExecReply::Failed(e) => Err(Fail::Text(format!("{e}\n"))),
    }
}
