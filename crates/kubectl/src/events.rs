//! `kubectl events [--for TYPE/NAME] [--types Normal,Warning] [-A] [-w]`
//! (`pkg/cmd/events`): the events table LAST SEEN / TYPE / REASON / OBJECT / MESSAGE,
//! oldest first; with `-w`, every event as it is recorded, until Ctrl-C.

use kubeniwa_core::resources;
use kubeniwa_core::time::{parse_rfc3339, Millis};
use kubeniwa_core::{ApiError, Request};
use kubeniwa_format::duration::human_duration_signed;
use kubeniwa_format::table::{escape_terminal, TabWriter};
use serde_json::Value;

use crate::{server_error, Backend, Ctx, Fail, Job, Outcome};

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let all_ns = ctx.flags.flag("all-namespaces");
    let types: Vec<String> = {
        let mut t: Vec<String> = ctx.flags.all("types").iter().flat_map(|v| v.split(',').map(String::from).collect::<Vec<_>>()).filter(|s| !s.is_empty()).collect();
        t.sort();
        t.dedup();
        t
    };
    if let Some(bad) = types.iter().find(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning")) {
        let _ = bad;
        return Err(Fail::Text("error: valid --types are Normal or Warning\n".into()));
    }
    let mut field_selector = None;
    if let Some(f) = ctx.flags.get("for").map(String::from) {
        let Some((kind, name)) = f.split_once('/') else {
            return Err(Fail::Text("error: --for must be in resource/name form\n".into()));
        };
        if name.contains('/') {
            return Err(Fail::Text("error: arguments in resource/name form may not have more than one slash\n".into()));
        }
        let rt = resources::lookup(&kind.to_lowercase()).ok_or_else(|| Fail::Text(format!("the server doesn't have a resource type \"{kind}\"\n")))?;
        field_selector = Some(format!("involvedObject.kind={},involvedObject.apiVersion={},involvedObject.name={name}", rt.kind, rt.api_version()));
    }
    let ns = if all_ns { None } else { Some(ctx.namespace.clone()) };
    let path = match &ns {
        Some(n) => format!("/api/v1/namespaces/{n}/events"),
        None => "/api/v1/events".to_string(),
    };
    let printer = EventPrinter { no_headers: ctx.flags.flag("no-headers"), all_ns, headers_printed: false, tw: TabWriter::kubectl_get(), types };
    if ctx.flags.flag("watch") {
        let mut job = EventsJob { server: ctx.server.clone().unwrap_or_default(), path, field_selector, rv: "0".into(), printer };
        let mut out = String::new();
        if let Some(status) = job.poll(ctx.backend, &mut out) {
            ctx.io.out(out);
            return if status == 0 { Ok(()) } else { Err(Fail::Silent) };
        }
        ctx.io.out(out);
        if ctx.backend.can_hold() {
            ctx.backend.hold(Box::new(job));
        }
        return Ok(());
    }
    let mut req = Request::get(path).query("limit", "500");
    if let Some(f) = &field_selector {
        req = req.query("fieldSelector", f.clone());
    }
    let list = match ctx.call(req)? {
        Ok(l) => l,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let mut printer = printer;
    let mut events: Vec<Value> = list["items"].as_array().cloned().unwrap_or_default().into_iter().filter(|e| printer.wanted(e)).collect();
    if events.is_empty() {
        ctx.io.err(if all_ns { "No events found.\n".to_string() } else { format!("No events found in {} namespace.\n", ctx.namespace) });
        return Ok(());
    }
    events.sort_by_key(event_time);
    let now = ctx.backend.now();
    let mut out = String::new();
    // The list is printed as one table, flushed once.
    for e in &events {
        printer.write(e, now);
    }
    printer.tw.flush();
    out.push_str(&printer.tw.take_output());
    ctx.io.out(out);
    Ok(())
}

/// `eventTime`: the series' last observation, else `lastTimestamp`, else `eventTime`.
fn event_time(e: &Value) -> Millis {
    let ts = |v: &Value| v.as_str().and_then(parse_rfc3339);
    ts(&e["series"]["lastObservedTime"]).or_else(|| ts(&e["lastTimestamp"])).or_else(|| ts(&e["eventTime"])).unwrap_or(0)
}

struct EventPrinter {
    no_headers: bool,
    all_ns: bool,
    headers_printed: bool,
    tw: TabWriter,
    types: Vec<String>,
}

impl EventPrinter {
    fn wanted(&self, e: &Value) -> bool {
        let t = e["type"].as_str().unwrap_or("");
        self.types.is_empty() || self.types.iter().any(|w| w.eq_ignore_ascii_case(t))
    }

    /// One event, flushed at once (a watch prints each as it comes).
    fn print(&mut self, e: &Value, now: Millis, out: &mut String) {
        self.write(e, now);
        self.tw.flush();
        out.push_str(&self.tw.take_output());
    }

    fn write(&mut self, e: &Value, now: Millis) {
        if !self.no_headers && !self.headers_printed {
            if self.all_ns {
                self.tw.write("NAMESPACE\t");
            }
            self.tw.write("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
            self.headers_printed = true;
        }
        if self.all_ns {
            self.tw.write(&format!("{}\t", e["metadata"]["namespace"].as_str().unwrap_or("")));
        }
        let s = |v: &Value| escape_terminal(v.as_str().unwrap_or(""));
        self.tw.write(&format!(
            "{}\t{}\t{}\t{}/{}\t{}\n",
            interval(e, now),
            s(&e["type"]),
            s(&e["reason"]),
            s(&e["involvedObject"]["kind"]),
            s(&e["involvedObject"]["name"]),
            escape_terminal(e["message"].as_str().unwrap_or("").trim())
        ));
    }
}

/// `getInterval`: `5s`, or `2s (x3 over 40s)` for a repeated event.
fn interval(e: &Value, now: Millis) -> String {
    let since = |v: &Value| match v.as_str().and_then(parse_rfc3339) {
        Some(t) => human_duration_signed(now as i64 - t as i64),
        None => "<unknown>".to_string(),
    };
    let first = if e["eventTime"].is_null() { since(&e["firstTimestamp"]) } else { since(&e["eventTime"]) };
    if !e["series"].is_null() {
        return format!("{} (x{} over {first})", since(&e["series"]["lastObservedTime"]), e["series"]["count"].as_i64().unwrap_or(0));
    }
    let count = e["count"].as_i64().unwrap_or(0);
    if count > 1 {
        return format!("{} (x{count} over {first})", since(&e["lastTimestamp"]));
    }
    first
}

/// `kubectl events -w`: a watch from now (the events that exist come first, as the
/// server's initial ADDED events, in storage order), skipping deletions.
struct EventsJob {
    server: String,
    path: String,
    field_selector: Option<String>,
    rv: String,
    printer: EventPrinter,
}

impl Job for EventsJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let mut req = Request::get(self.path.clone()).query("watch", "true").query("resourceVersion", self.rv.clone());
        if let Some(f) = &self.field_selector {
            req = req.query("fieldSelector", f.clone());
        }
        let r = backend.send(&self.server, &req)?;
        if !r.is_success() {
            out.push_str(&server_error(&ApiError::from_status(r.code, &r.body)));
            return Some(1);
        }
        let now = backend.now();
        for ev in r.body["items"].as_array().into_iter().flatten() {
            if ev["type"] == "DELETED" || !self.printer.wanted(&ev["object"]) {
                continue;
            }
            self.printer.print(&ev["object"], now, out);
        }
        if let Some(rv) = r.body["metadata"]["resourceVersion"].as_str() {
            self.rv = rv.to_string();
        }
        None
    }
}
