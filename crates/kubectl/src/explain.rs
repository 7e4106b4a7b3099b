//! `kubectl explain RESOURCE[.field.path] [--recursive]`: kubectl's explain v2, which
//! reads the server's OpenAPI v3 document of the resource's group-version
//! (`/openapi/v3`, then the `serverRelativeURL` it names) and renders the plaintext
//! template: GROUP/KIND/VERSION, FIELD, DESCRIPTION and FIELDS, word-wrapped as
//! go-wordwrap wraps (76 columns, indented by 4; field descriptions by level).

use serde_json::Value;

use crate::{Ctx, Fail, Outcome};
use kubeniwa_core::api::Request;
use kubeniwa_core::resources;

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let Some(arg) = ctx.flags.args.first().cloned() else {
        return Err(Fail::Text("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n".into()));
    };
    if ctx.flags.args.len() > 1 {
        return Err(Fail::Text("error: We accept only this format: explain RESOURCE\n".into()));
    }
    let output = ctx.flags.get("output").unwrap_or("plaintext").to_string();
    if output != "plaintext" {
        return Err(Fail::Text(format!("error: unrecognized format: {output}\n")));
    }
    let recursive = ctx.flags.flag("recursive");
    ctx.send(Request::get("/api"))?;
    let mut parts = arg.split('.');
    let resource = parts.next().unwrap_or("").to_string();
    let path: Vec<String> = parts.map(String::from).collect();
    let rt = resources::lookup(&resource).ok_or_else(|| Fail::Text(format!("the server doesn't have a resource type \"{resource}\"\n")))?;
    let (group, version) = match ctx.flags.get("api-version") {
        Some(av) => match av.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), av.to_string()),
        },
        None => (rt.group.to_string(), rt.version.to_string()),
    };
    if group != rt.group || version != rt.version {
        let gvr = if group.is_empty() { format!("/{version}, Resource={}", rt.plural) } else { format!("{group}/{version}, Resource={}", rt.plural) };
        return Err(Fail::Text(format!("error: couldn't find resource for \"{gvr}\"\n")));
    }
    let index = ctx.send(Request::get("/openapi/v3"))?;
    let key = if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") };
    let Some(url) = index.body["paths"][&key]["serverRelativeURL"].as_str() else {
        return Err(Fail::Text(format!("error: couldn't find resource for \"{}\"\n", rt.api_version())));
    };
    let (p, q) = url.split_once('?').unwrap_or((url, ""));
    let mut req = Request::get(p);
    for kv in q.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        req = req.query(k, v);
    }
    let doc = ctx.send(req)?.body;
    // The template streams: the header is out before a missing field is noticed.
    let (text, error) = render(&doc, &group, &version, rt.plural, &path, recursive);
    ctx.io.out(text);
    match error {
        Some(e) => Err(Fail::Text(e)),
        None => Ok(()),
    }
}

/// The plaintext template applied to one group-version document: what it printed,
/// and the error that stopped it.
pub fn render(doc: &Value, group: &str, version: &str, plural: &str, path: &[String], recursive: bool) -> (String, Option<String>) {
    let prefix = if group.is_empty() { "/api".to_string() } else { format!("/apis/{group}") };
    let searches = [
        format!("{prefix}/{version}/{plural}"),
        format!("{prefix}/{version}/{plural}/{{name}}"),
        format!("{prefix}/{version}/namespaces/{{namespace}}/{plural}"),
        format!("{prefix}/{version}/namespaces/{{namespace}}/{plural}/{{name}}"),
    ];
    let mut gvk = None;
    'outer: for s in &searches {
        for m in ["get", "post", "put", "patch", "delete"] {
            let g = &doc["paths"][s][m]["x-kubernetes-group-version-kind"];
            if truthy(g) {
                gvk = Some(g.clone());
                break 'outer;
            }
        }
    }
    let Some(gvk) = gvk else {
        let gvr = if group.is_empty() { format!("/{version}, Resource={plural}") } else { format!("{group}/{version}, Resource={plural}") };
        return (String::new(), Some(format!("error: GVR ({gvr}) not found in OpenAPI schema\n")));
    };
    let s = |k: &str| gvk[k].as_str().unwrap_or("").to_string();
    let mut out = String::new();
    if !s("group").is_empty() {
        out.push_str(&format!("GROUP:      {}\n", s("group")));
    }
    out.push_str(&format!("KIND:       {}\nVERSION:    {}\n\n", s("kind"), s("version")));
    let r = Renderer { doc, recursive };
    let mut found = None;
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        let mut names: Vec<&String> = schemas.keys().collect();
        names.sort();
        for n in names {
            let sc = &schemas[n];
            if sc["x-kubernetes-group-version-kind"].as_array().is_some_and(|l| l.iter().any(|g| same_gvk(g, &gvk))) {
                let o = r.output(sc, &[], path);
                if o.is_empty() {
                    return (out, Some(format!("error: field \"{}\" does not exist\n", path.last().map(String::as_str).unwrap_or(""))));
                }
                found = Some(o);
                break;
            }
        }
    }
    match found {
        Some(o) => out.push_str(&o),
        None => {
            let e = format!("error: GVK {}/{}, Kind={} not found in OpenAPI schema\n", s("group"), s("version"), s("kind"));
            return (out, Some(e));
        }
    }
    out.push('\n');
    (out, None)
}

fn same_gvk(a: &Value, b: &Value) -> bool {
    ["group", "version", "kind"].iter().all(|k| a[k] == b[k]) && a.as_object().map(|m| m.len()) == b.as_object().map(|m| m.len())
}

/// Go template truth: non-empty strings, maps and lists, true, non-zero numbers.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// A map-typed `additionalProperties` (not the boolean form).
fn map_items(s: &Value) -> Option<&Value> {
    let ap = &s["additionalProperties"];
    (truthy(ap) && !ap.is_boolean()).then_some(ap)
}

fn indent(amount: usize, s: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// go-wordwrap's WrapString: breaks at spaces so lines stay within `lim` runes;
/// words longer than the limit stay whole; existing newlines are kept.
pub fn wrap(lim: usize, s: &str) -> String {
    let mut buf = String::new();
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let (mut wlen, mut slen) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + slen <= lim {
                    buf.push_str(&space);
                }
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
            }
            space.clear();
            word.clear();
            slen = 0;
            wlen = 0;
            buf.push(c);
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += slen + wlen;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                slen = 0;
                wlen = 0;
            }
            space.push(c);
            slen += 1;
        } else {
            word.push(c);
            wlen += 1;
            if current + slen + wlen > lim && wlen < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                slen = 0;
            }
        }
    }
    if word.is_empty() {
        if current + slen <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

struct Renderer<'a> {
    doc: &'a Value,
    recursive: bool,
}

impl<'a> Renderer<'a> {
    fn resolve(&self, r: &Value) -> Option<&'a Value> {
        let r = r.as_str()?;
        let frag = r.strip_prefix('#')?;
        let mut cur = self.doc;
        for k in frag.split('/').filter(|k| !k.is_empty()) {
            cur = cur.get(k)?;
            if !cur.is_object() {
                return None;
            }
        }
        Some(cur)
    }

    fn resolved<'b>(&self, s: &'b Value) -> &'b Value
    where
        'a: 'b,
    {
        self.resolve(&s["$ref"]).unwrap_or(s)
    }

    fn output(&self, schema: &Value, history: &[String], path: &[String]) -> String {
        let refs = schema["$ref"].as_str().unwrap_or("").to_string();
        let mut next = history.to_vec();
        next.push(refs.clone());
        let resolved = self.resolved(schema);
        if path.is_empty() {
            let mut d = String::new();
            self.description(resolved, &mut d);
            if d.is_empty() {
                d = "<empty>".into();
            }
            let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(76, &d)));
            let fl = self.field_list(resolved, 1, &[]);
            if !fl.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fl);
            }
            return out;
        }
        if !refs.is_empty() && history.contains(&refs) {
            return String::new();
        }
        if let Some(sub) = resolved["properties"].get(&path[0]).filter(|_| truthy(&resolved["properties"])) {
            let mut out = String::new();
            if path.len() == 1 {
                out.push_str(&format!("FIELD: {} <{}>\n{}\n\n", path[0], self.type_guess(sub), extract_enum(sub, true, 0)));
            }
            out.push_str(&self.output(sub, &[], &path[1..]));
            return out;
        }
        if truthy(&resolved["items"]) {
            return self.output(&resolved["items"], &next, path);
        }
        if let Some(ap) = map_items(resolved) {
            return self.output(ap, &next, path);
        }
        for sub in resolved["allOf"].as_array().into_iter().flatten() {
            let o = self.output(sub, &next, path);
            if !o.is_empty() {
                return o;
            }
        }
        String::new()
    }

    fn description(&self, schema: &Value, out: &mut String) {
        let s = self.resolved(schema);
        if let Some(d) = s["description"].as_str().filter(|d| !d.is_empty()) {
            out.push_str(d);
            out.push('\n');
        }
        for a in s["allOf"].as_array().into_iter().flatten() {
            self.description(a, out);
        }
        if truthy(&s["items"]) {
            self.description(&s["items"], out);
        }
        if let Some(ap) = map_items(s) {
            self.description(ap, out);
        }
    }

    fn field_list(&self, schema: &Value, level: usize, history: &[String]) -> String {
        let refs = schema["$ref"].as_str().unwrap_or("").to_string();
        if !refs.is_empty() && history.contains(&refs) {
            return String::new();
        }
        let mut next = history.to_vec();
        next.push(refs);
        let resolved = self.resolved(schema);
        let mut out = String::new();
        if let Some(props) = resolved["properties"].as_object() {
            let mut names: Vec<&String> = props.keys().collect();
            names.sort();
            for k in names {
                out.push_str(&self.field_detail(k, resolved, level));
                if self.recursive {
                    out.push_str(&self.field_list(&props[k], level + 1, &next));
                }
            }
        }
        for a in resolved["allOf"].as_array().into_iter().flatten() {
            out.push_str(&self.field_list(a, level, &next));
        }
        if truthy(&resolved["items"]) {
            out.push_str(&self.field_list(&resolved["items"], level, &next));
        }
        if let Some(ap) = map_items(resolved) {
            out.push_str(&self.field_list(ap, level, &next));
        }
        out
    }

    fn field_detail(&self, name: &str, schema: &Value, level: usize) -> String {
        let ind = level * 2;
        let fs = &schema["properties"][name];
        let mut out = format!("{}\t<{}>", indent(ind, name), self.type_guess(fs));
        if schema["required"].as_array().is_some_and(|r| r.iter().any(|x| x == name)) {
            out.push_str(" -required-");
        }
        out.push_str(&extract_enum(fs, false, ind));
        out.push('\n');
        if !self.recursive {
            let d = fs["description"].as_str().filter(|d| !d.is_empty()).unwrap_or("<no description>");
            out.push_str(&indent(ind + 2, &wrap(78 - ind.min(78), d)));
            out.push_str("\n\n");
        }
        out
    }

    fn type_guess(&self, s: &Value) -> String {
        if truthy(&s["items"]) {
            return format!("[]{}", self.type_guess(&s["items"]));
        }
        if let Some(ap) = map_items(s) {
            return format!("map[string]{}", self.type_guess(ap));
        }
        let all = s["allOf"].as_array();
        if all.is_some_and(|a| a.len() == 1) && !truthy(&s["properties"]) {
            return self.type_guess(&all.expect("checked")[0]);
        }
        if let Some(r) = s["$ref"].as_str().filter(|r| !r.is_empty()) {
            let rs = self.resolve(&s["$ref"]);
            let ty = rs.map(|x| &x["type"]);
            return match ty {
                Some(Value::String(t)) if !t.is_empty() && t != "object" => t.clone(),
                _ => {
                    let name = r.rsplit('/').next().unwrap_or("");
                    let last = name.rsplit('.').next().unwrap_or("");
                    if last.is_empty() { "Object".into() } else { last.to_string() }
                }
            };
        }
        match s["type"].as_str() {
            Some("object") => "Object".into(),
            Some(t) if !t.is_empty() => t.to_string(),
            _ => "Object".into(),
        }
    }
}

/// `enum: a, b, c, d, ....` under a field (at most four), or `ENUM:` with one value a
/// line after `FIELD:`.
fn extract_enum(s: &Value, long: bool, ind: usize) -> String {
    let Some(values) = s["enum"].as_array().filter(|a| !a.is_empty()) else {
        return String::new();
    };
    let mut out = if long { "ENUM:".to_string() } else { format!("\n{}enum: ", " ".repeat(ind)) };
    for (i, e) in values.iter().enumerate() {
        if !long && i >= 4 {
            out.push_str(", ....");
            break;
        }
        if i > 0 && !long {
            out.push_str(", ");
        } else if long {
            out.push_str("\n    ");
        }
        match e {
            Value::String(x) if x.is_empty() => out.push_str("\"\""),
            Value::String(x) => out.push_str(x),
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_like_go_wordwrap() {
        assert_eq!(wrap(10, "aaa bbb ccc ddd"), "aaa bbb\nccc ddd");
        assert_eq!(wrap(5, "abcdefgh ij"), "abcdefgh\nij");
        assert_eq!(wrap(10, "one\n\ntwo three four"), "one\n\ntwo three\nfour");
    }
}
