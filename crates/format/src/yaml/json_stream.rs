//! JSON manifests: kubectl decodes a stream that starts with `{` with Go's `encoding/json`.

use serde_json::{Number, Value};

use super::error::{YamlError, YamlErrorKind};

/// Decodes a stream of concatenated JSON values, skipping `null`s like kubectl's
/// `StreamVisitor`.
pub(crate) fn parse_json_stream(text: &str) -> Result<Vec<Value>, YamlError> {
    let mut out = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    for item in stream {
        match item {
            Ok(v) => {
                if !v.is_null() {
                    out.push(normalize_numbers(v));
                }
            }
            Err(e) => {
                let offset = offset_of(text, e.line(), e.column());
                let msg = go_json_message(&e);
                // Go's decoder reports a truncated value as io.ErrUnexpectedEOF, which kubectl
                // passes on without the offset it gives syntax errors.
                let detail = if e.is_eof() { msg.clone() } else { format!("json: offset {offset}: {msg}") };
                return Err(YamlError::new(YamlErrorKind::Json, Some(e.line() as u32), Some(e.column() as u32), msg, detail));
            }
        }
    }
    Ok(out)
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return off + column;
        }
        off += l.len() + 1;
    }
    text.len()
}

/// Approximates Go's `json.SyntaxError` wording from serde_json's error.
fn go_json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.is_eof() {
        return "unexpected EOF".into();
    }
    let bare = text.split(" at line ").next().unwrap_or(&text).to_string();
    match bare.as_str() {
        "trailing comma" => "invalid character '}' looking for beginning of object key string".into(),
        "key must be a string" => "invalid character looking for beginning of object key string".into(),
        "expected `:`" => "invalid character after object key".into(),
        "expected `,` or `}`" => "invalid character after object key:value pair".into(),
        "expected `,` or `]`" => "invalid character after array element".into(),
        "expected value" => "invalid character looking for beginning of value".into(),
        "trailing characters" => "invalid character after top-level value".into(),
        _ => bare,
    }
}

/// kubectl decodes JSON numbers with `UseNumber` and keeps those that parse as int64 as
/// integers; a uint64 beyond that becomes a float.
fn normalize_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_u64() && n.as_i64().is_none() => {
            Number::from_f64(n.as_f64().unwrap_or(0.0)).map(Value::Number).unwrap_or(Value::Null)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, normalize_numbers(v))).collect()),
        other => other,
    }
}
