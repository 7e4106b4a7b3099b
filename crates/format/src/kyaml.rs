//! `kubectl get -o kyaml` (on by default in kubectl v1.35 unless `KUBECTL_KYAML=false`): the
//! KYAML encoder of sigs.k8s.io/yaml v1.6.0 (`kyaml.Encoder.FromObject`).
//!
//! KYAML is YAML that reads like JSON: every value string double-quoted, keys unquoted unless
//! they could be mistaken for another type, `{}`/`[]` with trailing commas, two-space
//! indentation, and multi-line strings folded with `\` line continuations. The object goes
//! through Go's `json.Marshal` first, so keys are in Go's JSON order (bytewise) and numbers are
//! printed as Go's JSON prints them.

use serde_json::Value;

use crate::gonum;
use crate::yaml::is_timestamp;

/// One object as `kubectl get -o kyaml` prints it: `---`, the document, a newline.
pub fn to_string(value: &Value) -> String {
    let mut out = String::from("---\n");
    render_node(value, 0, false, &mut out, 0);
    out.push('\n');
    out
}

/// Several objects, one document each (kubectl prints each object through the encoder).
pub fn to_string_multi<'a, I>(values: I) -> String
where
    I: IntoIterator<Item = &'a Value>,
{
    values.into_iter().map(to_string).collect()
}

// Depth is bounded by the producer; `guard` stops runaway recursion on hostile values.
fn render_node(v: &Value, indent: usize, compact: bool, out: &mut String, guard: u32) {
    if guard > 2000 {
        out.push_str("null");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&crate::json::number(n)),
        Value::String(s) => render_string(s, indent + 1, false, compact, out),
        Value::Array(items) => render_sequence(items, indent, compact, out, guard),
        Value::Object(map) => render_mapping(map, indent, compact, out, guard),
    }
}

fn write_indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn render_sequence(items: &[Value], indent: usize, compact: bool, out: &mut String, guard: u32) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    // Sequences of collections are "cuddled": `[{`, `}, {`, `}]`.
    let cuddle = compact || items.iter().all(|c| matches!(c, Value::Array(_) | Value::Object(_)));
    if cuddle {
        out.push('[');
        for (i, child) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            render_node(child, if compact { 0 } else { indent }, compact, out, guard + 1);
        }
        out.push(']');
        return;
    }
    out.push_str("[\n");
    write_indent(indent, out);
    for child in items {
        write_indent(1, out);
        render_node(child, indent + 1, compact, out, guard + 1);
        out.push_str(",\n");
        write_indent(indent, out);
    }
    out.push(']');
}

fn render_mapping(map: &serde_json::Map<String, Value>, indent: usize, compact: bool, out: &mut String, guard: u32) {
    if map.is_empty() {
        out.push_str("{}");
        return;
    }
    let entries = crate::json::sorted_entries(map);
    if compact {
        out.push('{');
        for (i, (k, v)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            render_string(k, 0, true, true, out);
            out.push_str(": ");
            render_node(v, 0, true, out, guard + 1);
        }
        out.push('}');
        return;
    }
    out.push_str("{\n");
    for (k, v) in entries {
        write_indent(indent + 1, out);
        render_string(k, indent + 1, true, true, out);
        out.push_str(": ");
        render_node(v, indent + 1, false, out, guard + 1);
        out.push_str(",\n");
    }
    write_indent(indent, out);
    out.push('}');
}

const FOLD: &str = "\\\n";

/// kyaml `renderString`.
fn render_string(val: &str, indent: usize, lazy_quote: bool, compact: bool, out: &mut String) {
    let multi = val.contains('\n');
    if !multi && lazy_quote && !needs_quotes(val) {
        out.push_str(val);
        return;
    }
    let mut buf = String::from("\"");
    if multi && !compact {
        buf.push_str(FOLD);
    }
    for r in val.chars() {
        append_escaped_rune(r, indent, compact, &mut buf);
    }
    let after_newline = buf.ends_with('\n');
    if multi && !compact {
        if !after_newline {
            buf.push_str(FOLD);
        }
        write_indent(indent, &mut buf);
    }
    buf.push('"');
    out.push_str(&buf);
}

fn append_escaped_rune(r: char, indent: usize, compact: bool, buf: &mut String) {
    if buf.ends_with('\n') {
        write_indent(indent, buf);
        // A leading space would be folded away, so it is escaped.
        if r.is_whitespace() && r != '\n' {
            buf.push('\\');
        } else {
            buf.push(' ');
        }
    }
    match (r, compact) {
        ('\n', false) => {
            buf.push_str("\\n");
            buf.push_str(FOLD);
            return;
        }
        ('\t', false) => {
            buf.push('\t');
            return;
        }
        ('\n', true) => {
            buf.push_str("\\n");
            return;
        }
        ('\t', true) => {
            buf.push_str("\\t");
            return;
        }
        _ => {}
    }
    if r == '"' || r == '\\' {
        buf.push('\\');
        buf.push(r);
        return;
    }
    if is_go_print(r) {
        buf.push(r);
        return;
    }
    match r {
        '\u{07}' => buf.push_str("\\a"),
        '\u{08}' => buf.push_str("\\b"),
        '\u{0c}' => buf.push_str("\\f"),
        '\r' => buf.push_str("\\r"),
        '\u{0b}' => buf.push_str("\\v"),
        '\0' => buf.push_str("\\0"),
        '\u{1b}' => buf.push_str("\\e"),
        '\u{85}' => buf.push_str("\\N"),
        '\u{a0}' => buf.push_str("\\_"),
        '\u{2028}' => buf.push_str("\\L"),
        '\u{2029}' => buf.push_str("\\P"),
        _ => {
            let v = r as u32;
            if v < 0x20 || v == 0x7f {
                buf.push_str(&format!("\\x{v:02x}"));
            } else if v < 0x10000 {
                buf.push_str(&format!("\\u{v:04x}"));
            } else {
                buf.push_str(&format!("\\U{v:08x}"));
            }
        }
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
/// Approximated from Rust's character classes: control, whitespace other than ' ', and the
/// common format characters are not printable.
fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let v = c as u32;
    // Noncharacters and the supplementary private use planes are not graphic in Go either.
    if (v & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&v) || v >= 0xF0000 {
        return false;
    }
    !matches!(v, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF)
}

/// kyaml `needsQuotes` (for keys, which are quoted lazily).
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || is_type_ambiguous(s) {
        return true;
    }
    let runes: Vec<char> = s.chars().collect();
    let n = runes.len();
    for (i, &r) in runes.iter().enumerate() {
        if r.is_alphabetic() || r.is_numeric() || r == '_' {
            continue;
        }
        if i > 0 && i + 1 < n && matches!(r, '-' | '.' | '/') {
            continue;
        }
        return true;
    }
    false
}

/// kyaml `isTypeAmbiguous`.
fn is_type_ambiguous(s: &str) -> bool {
    let lower = s.to_lowercase();
    if s.len() <= 5 && matches!(lower.as_str(), "null" | "~" | "") {
        return true;
    }
    // strconv.ParseBool
    if matches!(s, "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False") {
        return true;
    }
    if s.len() <= 5 && matches!(lower.as_str(), "true" | "y" | "yes" | "on" | "false" | "n" | "no" | "off") {
        return true;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if gonum::parse_int_base0(&plain).is_some() {
        return true;
    }
    if gonum::parse_float_decimal(&plain).is_some() {
        return true;
    }
    if is_sexagesimal(s) {
        return true;
    }
    if s.len() <= 5 && matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan") {
        return true;
    }
    is_timestamp(s)
}

/// `^[+-]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$`
fn is_sexagesimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !(b'1'..=b'9').contains(&b[i]) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        if i + 1 < b.len() && (b'0'..=b'5').contains(&b[i]) && b[i + 1].is_ascii_digit() {
            i += 2;
        } else if i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use serde_json::json;

    #[test]
    fn pod_as_kyaml() {
        let pod = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "nginx", "labels": {"app.kubernetes.io/name": "web", "true": "x"}, "annotations": {}},
            "spec": {
                "containers": [{"name": "nginx", "image": "nginx:1.25.3", "ports": [{"containerPort": 80}], "args": ["-c", "echo hi\nsleep 1\n"]}],
                "nodeSelector": {"disk": "ssd"}
            },
            "status": {"podIPs": [], "ratio": 0.5, "ok": true, "none": null}
        });
        expect![[r#"
            ---
            {
              apiVersion: "v1",
              kind: "Pod",
              metadata: {
                annotations: {},
                labels: {
                  app.kubernetes.io/name: "web",
                  "true": "x",
                },
                name: "nginx",
              },
              spec: {
                containers: [{
                  args: [
                    "-c",
                    "\
                       echo hi\n\
                       sleep 1\n\
                      ",
                  ],
                  image: "nginx:1.25.3",
                  name: "nginx",
                  ports: [{
                    containerPort: 80,
                  }],
                }],
                nodeSelector: {
                  disk: "ssd",
                },
              },
              status: {
                none: null,
                ok: true,
                podIPs: [],
                ratio: 0.5,
              },
            }
        "#]]
        .assert_eq(&to_string(&pod));
    }

    /// sigs.k8s.io/yaml kyaml_test.go TestIsTypeAmbiguous.
    #[test]
    fn upstream_type_ambiguity() {
        let cases = [
            ("regular", false), ("abc123", false), ("hello_world", false), ("hello-world", false),
            ("yes", true), ("YES", true), ("y", true), ("Y", true), ("no", true), ("NO", true), ("n", true), ("N", true),
            ("on", true), ("ON", true), ("off", true), ("OFF", true),
            ("1234", true), ("_1_2_3_4_", true), ("0123", true), ("+123", true), ("-123", true),
            ("123456789012345678901234567890", true), ("0777", true), ("0o777", true), ("0xff", true), ("0xFF", true),
            (".inf", true), ("-.inf", true), ("+.inf", true), (".nan", true), (".INF", true), (".NAN", true),
            ("1e10", true), ("1E10", true),
            ("2006", true), ("2006-1-2", true), ("2006-1-2T15:4:5.999999999-08:00", true), ("2006-1-2t15:4:5.999999999-08:00", true),
            ("2006-1-2 14:4:5.999999999", true),
            ("1:00", true), ("12345:59", true), ("1:60", false), ("1:2:3:4:5:00:00:01", true), ("1:00.0", true),
            ("12345:59.59", true), ("12345:60.00", false), ("1:2:3:4:5:00:00:01.02", true),
            ("null", true), ("Null", true), ("NULL", true), ("~", true),
        ];
        for (s, want) in cases {
            assert_eq!(is_type_ambiguous(s), want, "{s:?}");
        }
    }

    /// sigs.k8s.io/yaml kyaml_test.go TestRenderStringEscapes and the multi-line string of
    /// TestKYAMLOutput.
    #[test]
    fn upstream_string_escapes() {
        let cases = [
            ('\\', r#""\\""#, r#""\\""#),
            ('"', r#""\"""#, r#""\"""#),
            ('\u{07}', r#""\a""#, r#""\a""#),
            ('\u{08}', r#""\b""#, r#""\b""#),
            ('\u{0c}', r#""\f""#, r#""\f""#),
            ('\n', "\"\\\n \\n\\\n\"", "\"\\n\""),
            ('\r', r#""\r""#, r#""\r""#),
            ('\t', "\"\t\"", "\"\\t\""),
            ('\u{0b}', r#""\v""#, r#""\v""#),
            ('\0', r#""\0""#, r#""\0""#),
            ('\u{1b}', r#""\e""#, r#""\e""#),
            ('\u{85}', r#""\N""#, r#""\N""#),
            ('\u{a0}', r#""\_""#, r#""\_""#),
            ('\u{2028}', r#""\L""#, r#""\L""#),
            ('\u{2029}', r#""\P""#, r#""\P""#),
            ('\u{01}', r#""\x01""#, r#""\x01""#),
            ('\u{ffff}', r#""\uffff""#, r#""\uffff""#),
            ('\u{10ffff}', r#""\U0010ffff""#, r#""\U0010ffff""#),
        ];
        for (c, regular, compact) in cases {
            let mut out = String::new();
            render_string(&c.to_string(), 0, false, false, &mut out);
            assert_eq!(out, regular, "regular {c:?}");
            let mut out = String::new();
            render_string(&c.to_string(), 0, false, true, &mut out);
            assert_eq!(out, compact, "compact {c:?}");
        }
        let mut out = String::new();
        render_string("This\n is a\n  multi-line\n string", 1, false, false, &mut out);
        assert_eq!(out, "\"\\\n   This\\n\\\n  \\ is a\\n\\\n  \\  multi-line\\n\\\n  \\ string\\\n  \"");
    }

    /// sigs.k8s.io/yaml kyaml_test.go: "slice of slice" and "slice of map".
    #[test]
    fn upstream_cuddled_sequences() {
        let mut out = String::new();
        render_node(&json!([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), 0, false, &mut out, 0);
        assert_eq!(out, "[[\n  1,\n  2,\n  3,\n], [\n  4,\n  5,\n  6,\n], [\n  7,\n  8,\n  9,\n]]");
        let mut out = String::new();
        render_node(&json!([{"a": 1, "b": 2}, {"c": 3, "d": 4}, {"e": 5, "f": 6}]), 0, false, &mut out, 0);
        assert_eq!(out, "[{\n  a: 1,\n  b: 2,\n}, {\n  c: 3,\n  d: 4,\n}, {\n  e: 5,\n  \"f\": 6,\n}]");
    }

    #[test]
    fn key_quoting() {
        for (k, quoted) in [("name", false), ("a-b", false), ("-a", true), ("a-", true), ("1", true), ("0x1F", true), ("yes", true), ("Y", true), ("inf", true), ("1:20", true), ("2024-01-01", true), ("a b", true), ("", true), ("日本", false)] {
            assert_eq!(needs_quotes(k), quoted, "{k}");
        }
    }
}
