//! `--v=N`: the klog lines kubectl v1.35.2 writes to stderr. From `-v=1` client-go's
//! feature-gate defaults (`envvar.go`, which the real binary prints in map order; here
//! sorted, as it most often comes out), from 6 `Config loaded from file` and one
//! structured `"Response"` line per request (`round_trippers.go`), from 7 the
//! `"Request"` line with its headers, from 8 the bodies and response headers, at 9 the
//! request as a curl command. Durations are measured on the simulated clock.

use kubeniwa_core::time::Millis;
use kubeniwa_core::{Request, Response};
use kubeniwa_shell::Io;

use crate::{klog_header, CLIENT_VERSION};

/// `kubectl/v1.35.2 (linux/amd64) kubernetes/fdc9d74`.
fn user_agent() -> String {
    format!("kubectl/{CLIENT_VERSION} (linux/amd64) kubernetes/fdc9d74")
}

/// The level `-v`/`--v` asks for (0 when absent or not a number).
pub(crate) fn level(flags: &crate::flags::Parsed) -> u32 {
    flags.get("v").and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn info(io: &mut Io<'_>, now: Millis, source: &str, message: &str) {
    io.err(format!("{} {source}] {message}\n", klog_header('I', now)));
}

/// What is printed before the command runs.
pub(crate) fn preamble(io: &mut Io<'_>, v: u32, now: Millis, kubeconfig: &str) {
    if v >= 6 {
        info(io, now, "loader.go:405", &format!("Config loaded from file:  {kubeconfig}"));
    }
    if v >= 1 {
        for (feature, on) in [
            ("ClientsAllowCBOR", false),
            ("ClientsPreferCBOR", false),
            ("InOrderInformers", true),
            ("InOrderInformersBatchProcess", true),
            ("InformerResourceVersion", true),
            ("WatchListClient", true),
        ] {
            info(io, now, "envvar.go:172", &format!("\"Feature gate default state\" feature=\"{feature}\" enabled={on}"));
        }
    }
}

/// Go's `%q` of a string, as klog quotes values.
fn quote(s: &str) -> String {
    kubeniwa_format::jsonpath::go_quote(s)
}

fn request_headers(req: &Request) -> Vec<(String, String)> {
    let mut h = vec![("Accept".to_string(), req.accept.clone().unwrap_or_else(|| "application/json, */*".into()))];
    if req.body.is_some() {
        h.push(("Content-Type".into(), req.content_type.clone().unwrap_or_else(|| "application/json".into())));
    }
    if let Some(u) = &req.impersonate_user {
        h.push(("Impersonate-User".into(), u.clone()));
    }
    for g in &req.impersonate_groups {
        h.push(("Impersonate-Group".into(), g.clone()));
    }
    h.push(("User-Agent".into(), user_agent()));
    h
}

fn body_text(req: &Request) -> String {
    req.body.as_ref().map(kubeniwa_format::json::to_string_compact).unwrap_or_default()
}

/// Before a request goes out.
pub(crate) fn request(io: &mut Io<'_>, v: u32, now: Millis, server: &str, req: &Request) {
    if v < 7 {
        return;
    }
    let url = format!("{server}{}", req.url_path());
    if v >= 8 {
        info(io, now, "helper.go:113", &format!("\"Request Body\" body={}", quote(&body_text(req))));
    }
    let headers = request_headers(req);
    if v >= 9 {
        let mut curl = format!("curl -v -X{} ", req.method.as_str());
        for (k, val) in &headers {
            curl.push_str(&format!(" -H \"{k}: {val}\""));
        }
        curl.push_str(&format!(" '{url}'"));
        info(io, now, "round_trippers.go:527", &format!("\"Request\" curlCommand=<\n\t{curl}\n >"));
        return;
    }
    let lines: String = headers.iter().map(|(k, val)| format!("\t{k}: {val}\n")).collect();
    info(io, now, "round_trippers.go:527", &format!("\"Request\" verb=\"{}\" url={} headers=<\n{lines} >", req.method.as_str(), quote(&url)));
}

/// After the answer came back, `millis` later.
pub(crate) fn response(io: &mut Io<'_>, v: u32, now: Millis, millis: Millis, server: &str, req: &Request, resp: &Response) {
    if v < 6 {
        return;
    }
    let url = format!("{server}{}", req.url_path());
    let status = resp.status_line();
    let body = match &resp.body {
        serde_json::Value::String(s) => s.clone(),
        other => kubeniwa_format::json::to_string_compact(other),
    };
    let content_type = if resp.body.is_string() { "text/plain" } else { "application/json" };
    let headers = format!("headers=<\n\tContent-Length: {}\n\tContent-Type: {content_type}\n >", body.len());
    let line = match v {
        6 => format!("\"Response\" verb=\"{}\" url={} status=\"{status}\" milliseconds={millis}", req.method.as_str(), quote(&url)),
        7 => format!("\"Response\" status=\"{status}\" milliseconds={millis}"),
        8 => format!("\"Response\" status=\"{status}\" {headers} milliseconds={millis}"),
        _ => format!(
            "\"Response\" verb=\"{}\" url={} status=\"{status}\" {headers} milliseconds={millis} dnsLookupMilliseconds=0 dialMilliseconds=0 tlsHandshakeMilliseconds=0 serverProcessingMilliseconds={millis}",
            req.method.as_str(),
            quote(&url)
        ),
    };
    if v >= 9 {
        let host = server.trim_start_matches("https://").trim_start_matches("http://");
        info(io, now, "round_trippers.go:562", &format!("\"HTTP Trace: Dial succeed\" network=\"tcp\" address=\"{host}\""));
    }
    info(io, now, "round_trippers.go:632", &line);
    if v >= 8 {
        info(io, now, "helper.go:113", &format!("\"Response Body\" body={}", quote(&body)));
    }
}

/// The streaming request of `attach` (and the WebSocket executor kubectl tries
/// first): a `GET` asking to upgrade to the v5 channel protocol, answered by a switch.
pub(crate) fn upgrade(io: &mut Io<'_>, v: u32, now: Millis, server: &str, path: &str) {
    if v < 7 {
        return;
    }
    let url = format!("{server}{path}");
    info(io, now, "round_trippers.go:527", &format!("\"Request\" verb=\"GET\" url={} headers=<\n\tSec-Websocket-Protocol: v5.channel.k8s.io\n\tUser-Agent: {}\n >", quote(&url), user_agent()));
    info(io, now, "round_trippers.go:632", "\"Response\" status=\"101 Switching Protocols\" milliseconds=0");
}
