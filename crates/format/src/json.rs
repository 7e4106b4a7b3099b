//! JSON as Go's `encoding/json` writes it, which is what `kubectl get -o json` prints.
//!
//! kubectl's JSON printer calls `json.MarshalIndent(obj, "", "    ")` and appends a newline.
//! Go sorts object keys bytewise (as `serde_json`'s map does), escapes `<`, `>`, `&`,
//! U+2028 and U+2029 as `\u003c`-style sequences, writes `\b`, `\f`, `\n`, `\r`, `\t` short and
//! other control characters as `\u00XX`, and prints floats in `%f` form between 1e-6 and 1e21
//! and `%e` form (`1e-7`, `1e+21`) outside it.

use serde_json::Value;

use crate::gonum;

/// `kubectl get -o json` output for one object: 4-space indent, trailing newline.
pub fn to_string_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some("    "), 0);
    out.push('\n');
    out
}

/// Go's `json.Marshal`: compact, no trailing newline (e.g. the
/// `kubectl.kubernetes.io/last-applied-configuration` annotation).
pub fn to_string_compact(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

/// Go's `json.MarshalIndent(v, "", indent)` without a trailing newline.
pub fn to_string_indent(value: &Value, indent: &str) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(indent), 0);
    out
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

// Depth is bounded by the producer (parsed manifests are limited to `ParseLimits::max_depth`).
fn write_value(out: &mut String, value: &Value, indent: Option<&str>, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_value(out, item, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, v)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, v, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
}

/// Object entries in Go's order (bytewise by key). `serde_json`'s map is already sorted unless
/// some crate turns on its `preserve_order` feature, so this only sorts when needed.
pub(crate) fn sorted_entries(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if !entries.windows(2).all(|w| w[0].0 <= w[1].0) {
        entries.sort_by(|a, b| a.0.cmp(b.0));
    }
    entries
}

/// A JSON number as Go prints an int64, uint64 or float64.
pub fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        gonum::format_json_float(n.as_f64().unwrap_or(0.0))
    }
}

/// A JSON string literal with Go's escaping (HTML-safe).
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let v = c as u32;
                out.push_str("\\u");
                for k in (0..4).rev() {
                    out.push(HEX[((v >> (k * 4)) & 0xF) as usize] as char);
                }
            }
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xF] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A string as a Go JSON literal.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    write_string(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use serde_json::json;

    #[test]
    fn pretty_like_kubectl() {
        let v = json!({"kind": "Pod", "spec": {"containers": [{"name": "a<b>&c", "ports": []}], "x": {}}, "n": 1.5, "big": 1e21, "small": 1e-7, "i": 3});
        expect![[r#"
            {
                "big": 1e+21,
                "i": 3,
                "kind": "Pod",
                "n": 1.5,
                "small": 1e-7,
                "spec": {
                    "containers": [
                        {
                            "name": "a\u003cb\u003e\u0026c",
                            "ports": []
                        }
                    ],
                    "x": {}
                }
            }
        "#]]
        .assert_eq(&to_string_pretty(&v));
        expect![[r#"{"a":[1,2],"b":"\u0001\t\b"}"#]].assert_eq(&to_string_compact(&json!({"b": "\u{1}\t\u{8}", "a": [1, 2]})));
    }
}
