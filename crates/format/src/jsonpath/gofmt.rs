//! Go's `fmt` verbs (`%v`, `%#v`, `%q`) for unstructured values, as kubectl's messages and
//! custom columns print them.

use serde_json::Value;

use super::eval::{number_kind, Basic2, Val};
use crate::gonum;

fn number_v(n: &serde_json::Number) -> String {
    match number_kind(n) {
        Basic2::Int(i) => i.to_string(),
        Basic2::Uint(u) => u.to_string(),
        Basic2::Float(f) => gonum::format_g(f, false),
    }
}

/// `fmt.Sprint(v)` for an unstructured value: `map[a:1 b:x]`, `[a b]`, `<nil>`.
pub fn go_v(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v, 0);
    out
}

fn write_v(out: &mut String, v: &Value, depth: u32) {
    if depth > 200 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item, depth + 1);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("map[");
            for (i, (k, item)) in crate::json::sorted_entries(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, item, depth + 1);
            }
            out.push(']');
        }
    }
}

/// `fmt.Sprintf("%#v", v)` for an unstructured value held in an `interface{}`.
pub fn go_sharp_v(v: &Value) -> String {
    let mut out = String::new();
    write_sharp_v(&mut out, v, 0);
    out
}

fn write_sharp_v(out: &mut String, v: &Value, depth: u32) {
    if depth > 200 {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::Array(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_sharp_v(out, item, depth + 1);
            }
            out.push('}');
        }
        Value::Object(m) => {
            out.push_str("map[string]interface {}{");
            for (i, (k, item)) in crate::json::sorted_entries(m).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&go_quote(k));
                out.push(':');
                write_sharp_v(out, item, depth + 1);
            }
            out.push('}');
        }
    }
}

/// Go's `strconv.Quote` (`%q`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if is_go_print(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: not a control character, not a format or
/// separator character other than the ASCII space.
fn is_go_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF)
}

/// The Go type name of a value as reflection reports it (`map[string]interface {}`, `int64`).
pub(crate) fn go_type_name(v: &Val<'_>) -> &'static str {
    match v {
        Val::Ref(Value::Object(_)) => "map[string]interface {}",
        Val::Ref(Value::Array(_)) => "[]interface {}",
        Val::Ref(Value::String(_)) | Val::Text(_) => "string",
        Val::Ref(Value::Number(n)) => match number_kind(n) {
            Basic2::Int(_) => "int64",
            Basic2::Uint(_) => "uint64",
            Basic2::Float(_) => "float64",
        },
        Val::Ref(Value::Bool(_)) | Val::Bool(_) => "bool",
        Val::Ref(Value::Null) => "interface {}",
        Val::Int(_) => "int",
        Val::Float(_) => "float64",
        Val::Byte(_) => "uint8",
    }
}
