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
                if let Some((offset, msg)) = go_syntax_error(text) {
                    let detail = format!("json: offset {offset}: {msg}");
                    return Err(YamlError::new(YamlErrorKind::Json, Some(e.line() as u32), Some(e.column() as u32), msg, detail));
                }
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

/// Runs Go's `encoding/json` scanner over a stream of values (as `json.Decoder` does) and
/// returns the first syntax error as Go reports it: the byte offset (counted from the start
/// of the stream, including the offending byte) and the message. `None` when the stream is
/// well-formed or merely truncated (Go then says `unexpected EOF`).
pub(crate) fn go_syntax_error(text: &str) -> Option<(usize, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Ctx {
        ObjectKey,
        ObjectValue,
        Array,
    }
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        BeginValue,
        BeginValueOrEmpty,
        BeginStringOrEmpty,
        BeginString,
        EndValue,
        InString,
        InStringEsc,
        InStringEscU(u8),
        Neg,
        One,
        Zero,
        Dot,
        Dot0,
        E,
        ESign,
        E0,
        Lit(&'static [u8], usize, &'static str),
    }
    const MAX_DEPTH: usize = 10_000;
    let b = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut st = St::BeginValue;
    let err = |i: usize, c: u8, ctx: &str| Some((i + 1, format!("invalid character {} {ctx}", quote_char(c))));
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        // Number states end without consuming the byte that ends them.
        let mut reprocess = false;
        match st {
            St::BeginValue | St::BeginValueOrEmpty => {
                if is_space(c) {
                } else if st == St::BeginValueOrEmpty && c == b']' {
                    stack.pop();
                    st = St::EndValue;
                } else {
                    match c {
                        b'{' => {
                            if stack.len() >= MAX_DEPTH {
                                return err(i, c, "exceeded max depth");
                            }
                            stack.push(Ctx::ObjectKey);
                            st = St::BeginStringOrEmpty;
                        }
                        b'[' => {
                            if stack.len() >= MAX_DEPTH {
                                return err(i, c, "exceeded max depth");
                            }
                            stack.push(Ctx::Array);
                            st = St::BeginValueOrEmpty;
                        }
                        b'"' => st = St::InString,
                        b'-' => st = St::Neg,
                        b'0' => st = St::Zero,
                        b'1'..=b'9' => st = St::One,
                        b't' => st = St::Lit(b"true", 1, "in literal true"),
                        b'f' => st = St::Lit(b"false", 1, "in literal false"),
                        b'n' => st = St::Lit(b"null", 1, "in literal null"),
                        _ => return err(i, c, "looking for beginning of value"),
                    }
                }
            }
            St::BeginStringOrEmpty | St::BeginString => {
                if is_space(c) {
                } else if st == St::BeginStringOrEmpty && c == b'}' {
                    stack.pop();
                    st = St::EndValue;
                } else if c == b'"' {
                    st = St::InString;
                } else {
                    return err(i, c, "looking for beginning of object key string");
                }
            }
            St::EndValue => {
                if is_space(c) {
                } else {
                    match stack.last().copied() {
                        None => {
                            // A top-level value ended; the decoder starts the next one here.
                            st = St::BeginValue;
                            reprocess = true;
                        }
                        Some(Ctx::ObjectKey) => {
                            if c == b':' {
                                *stack.last_mut().expect("non-empty") = Ctx::ObjectValue;
                                st = St::BeginValue;
                            } else {
                                return err(i, c, "after object key");
                            }
                        }
                        Some(Ctx::ObjectValue) => match c {
                            b',' => {
                                *stack.last_mut().expect("non-empty") = Ctx::ObjectKey;
                                st = St::BeginString;
                            }
                            b'}' => {
                                stack.pop();
                                st = St::EndValue;
                            }
                            _ => return err(i, c, "after object key:value pair"),
                        },
                        Some(Ctx::Array) => match c {
                            b',' => st = St::BeginValue,
                            b']' => {
                                stack.pop();
                                st = St::EndValue;
                            }
                            _ => return err(i, c, "after array element"),
                        },
                    }
                }
            }
            St::InString => match c {
                b'"' => st = St::EndValue,
                b'\\' => st = St::InStringEsc,
                c if c < 0x20 => return err(i, c, "in string literal"),
                _ => {}
            },
            St::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => st = St::InString,
                b'u' => st = St::InStringEscU(0),
                _ => return err(i, c, "in string escape code"),
            },
            St::InStringEscU(n) => {
                if c.is_ascii_hexdigit() {
                    st = if n == 3 { St::InString } else { St::InStringEscU(n + 1) };
                } else {
                    return err(i, c, "in \\u hexadecimal character escape");
                }
            }
            St::Neg => match c {
                b'0' => st = St::Zero,
                b'1'..=b'9' => st = St::One,
                _ => return err(i, c, "in numeric literal"),
            },
            St::One => {
                if !c.is_ascii_digit() {
                    st = St::Zero;
                    reprocess = true;
                }
            }
            St::Zero => match c {
                b'.' => st = St::Dot,
                b'e' | b'E' => st = St::E,
                _ => {
                    st = St::EndValue;
                    reprocess = true;
                }
            },
            St::Dot => {
                if c.is_ascii_digit() {
                    st = St::Dot0;
                } else {
                    return err(i, c, "after decimal point in numeric literal");
                }
            }
            St::Dot0 => match c {
                b'0'..=b'9' => {}
                b'e' | b'E' => st = St::E,
                _ => {
                    st = St::EndValue;
                    reprocess = true;
                }
            },
            St::E => {
                if c == b'+' || c == b'-' {
                    st = St::ESign;
                } else {
                    st = St::ESign;
                    reprocess = true;
                }
            }
            St::ESign => {
                if c.is_ascii_digit() {
                    st = St::E0;
                } else {
                    return err(i, c, "in exponent of numeric literal");
                }
            }
            St::E0 => {
                if !c.is_ascii_digit() {
                    st = St::EndValue;
                    reprocess = true;
                }
            }
            St::Lit(word, k, ctx) => {
                if c == word[k] {
                    st = if k + 1 == word.len() { St::EndValue } else { St::Lit(word, k + 1, ctx) };
                } else {
                    return err(i, c, &format!("{ctx} (expecting '{}')", word[k] as char));
                }
            }
        }
        if !reprocess {
            i += 1;
        }
    }
    None
}

/// Go's `quoteChar` for a byte in a syntax error.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let q = crate::jsonpath::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}
