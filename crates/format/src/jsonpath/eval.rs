//! Evaluation of parsed JSONPath templates, after client-go's `JSONPath.FindResults` and
//! `PrintResults`.

use serde_json::Value;

use super::gofmt::{go_type_name, go_v};
use super::parser::{Node, Param};
use crate::{gonum, json};

/// One result of evaluating a node: a piece of the input or a literal from the template.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Ref(&'a Value),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A byte of a string, from `*` or `..` over a string (Go indexes strings by byte).
    Byte(u8),
}

impl<'a> Val<'a> {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Val::Ref(v) => (*v).clone(),
            Val::Text(s) => Value::String(s.clone()),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            Val::Bool(b) => Value::Bool(*b),
            Val::Byte(b) => Value::from(*b),
        }
    }
}

/// Go's reflect kinds as `template.basicKind` sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Basic {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

/// How an unstructured JSON number looks in Go: int64 if its JSON text is an integer that
/// fits, float64 otherwise.
pub(crate) fn number_kind(n: &serde_json::Number) -> Basic2 {
    if let Some(i) = n.as_i64() {
        return Basic2::Int(i);
    }
    if let Some(u) = n.as_u64() {
        return Basic2::Uint(u);
    }
    let f = n.as_f64().unwrap_or(0.0);
    match gonum::format_json_float(f).parse::<i64>() {
        Ok(i) => Basic2::Int(i),
        Err(_) => Basic2::Float(f),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Basic2 {
    Int(i64),
    Uint(u64),
    Float(f64),
}

pub(crate) struct Engine {
    pub allow_missing_keys: bool,
}

const MAX_RANGE_DEPTH: u32 = 64;

impl Engine {
    /// `FindResults`: the result lists of the root nodes, with `range`...`end` expanded.
    pub(crate) fn find_results<'a>(&self, nodes: &[Node], data: &'a Value) -> Result<Vec<Vec<Val<'a>>>, String> {
        self.find(nodes, Val::Ref(data), 0)
    }

    fn find<'a>(&self, nodes: &[Node], data: Val<'a>, depth: u32) -> Result<Vec<Vec<Val<'a>>>, String> {
        if depth > MAX_RANGE_DEPTH {
            return Err("range nested too deeply".into());
        }
        let mut full = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let node = &nodes[i];
            if let Node::List(list) = node {
                if is_end(list) {
                    if depth == 0 {
                        return Err("not in range, nothing to end".into());
                    }
                    // Reaching the `end` of the range being expanded: stop here.
                    break;
                }
                if let Some(pos) = list.iter().position(|n| matches!(n, Node::Identifier(s) if s == "range")) {
                    let results = self.eval_list(vec![data.clone()], &list[..pos])?;
                    let results = self.eval_list(results, &list[pos + 1..])?;
                    let end = matching_end(nodes, i + 1);
                    let body = &nodes[i + 1..end.unwrap_or(nodes.len())];
                    if results.is_empty() {
                        // client-go still runs the body once with no data, for its errors.
                        self.find(body, Val::Ref(&Value::Null), depth + 1)?;
                    }
                    for r in results {
                        full.extend(self.find(body, r, depth + 1)?);
                    }
                    // Without an `{end}`, client-go goes on with the body at this level too.
                    i = end.map_or(i + 1, |e| e + 1);
                    continue;
                }
            }
            let results = self.walk(vec![data.clone()], node)?;
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk<'a>(&self, input: Vec<Val<'a>>, node: &Node) -> Result<Vec<Val<'a>>, String> {
        match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Val::Text(t.clone())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, *params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(i) => Ok(input.iter().map(|_| Val::Int(*i)).collect()),
            Node::Float(f) => Ok(input.iter().map(|_| Val::Float(*f)).collect()),
            Node::Bool(b) => Ok(input.iter().map(|_| Val::Bool(*b)).collect()),
            Node::Wildcard => Ok(eval_wildcard(input)),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut out = Vec::new();
                for l in lists {
                    out.extend(self.eval_list(input.clone(), l)?);
                }
                Ok(out)
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => Ok(input),
                "end" => Err("not in range, nothing to end".into()),
                _ => Err(format!("unrecognized identifier {name}")),
            },
        }
    }

    fn eval_list<'a>(&self, input: Vec<Val<'a>>, nodes: &[Node]) -> Result<Vec<Val<'a>>, String> {
        let mut cur = input;
        for n in nodes {
            cur = self.walk(cur, n)?;
        }
        Ok(cur)
    }

    fn eval_field<'a>(&self, input: Vec<Val<'a>>, name: &str) -> Result<Vec<Val<'a>>, String> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let mut results = Vec::new();
        for v in &input {
            if let Val::Ref(Value::Object(m)) = v {
                if let Some(x) = m.get(name) {
                    results.push(Val::Ref(x));
                }
            }
        }
        if results.is_empty() && !self.allow_missing_keys {
            return Err(format!("{name} is not found"));
        }
        Ok(results)
    }

    fn eval_filter<'a>(&self, input: Vec<Val<'a>>, left: &[Node], right: &[Node], op: &str) -> Result<Vec<Val<'a>>, String> {
        let mut results = Vec::new();
        for v in &input {
            let items: &'a [Value] = match v {
                Val::Ref(Value::Array(items)) => items,
                other => return Err(format!("{} is not array or slice and cannot be filtered", go_v(&other.to_value()))),
            };
            for item in items {
                let temp = vec![Val::Ref(item)];
                let lefts = self.eval_list(temp.clone(), left);
                if op == "exists" {
                    if lefts.map(|l| !l.is_empty()).unwrap_or(false) {
                        results.push(Val::Ref(item));
                    }
                    continue;
                }
                let lefts = lefts?;
                if lefts.is_empty() {
                    continue;
                }
                if lefts.len() > 1 {
                    return Err("can only compare one element at a time".into());
                }
                let rights = self.eval_list(temp, right)?;
                if rights.is_empty() {
                    continue;
                }
                if rights.len() > 1 {
                    return Err("can only compare one element at a time".into());
                }
                let pass = match op {
                    "<" => less(&lefts[0], &rights[0])?,
                    ">" => !less_equal(&lefts[0], &rights[0])?,
                    "==" => equal(&lefts[0], &rights[0])?,
                    "!=" => !equal(&lefts[0], &rights[0])?,
                    "<=" => less_equal(&lefts[0], &rights[0])?,
                    ">=" => !less(&lefts[0], &rights[0])?,
                    _ => return Err(format!("unrecognized filter operator {op}")),
                };
                if pass {
                    results.push(Val::Ref(item));
                }
            }
        }
        Ok(results)
    }
}

fn is_end(list: &[Node]) -> bool {
    list.iter().any(|n| matches!(n, Node::Identifier(s) if s == "end"))
}

fn is_range(node: &Node) -> bool {
    matches!(node, Node::List(l) if l.iter().any(|n| matches!(n, Node::Identifier(s) if s == "range")))
}

/// The index of the `{end}` that closes a range whose body starts at `from`.
fn matching_end(nodes: &[Node], from: usize) -> Option<usize> {
    let mut depth = 0u32;
    for (k, n) in nodes.iter().enumerate().skip(from) {
        if is_range(n) {
            depth += 1;
        } else if matches!(n, Node::List(l) if is_end(l)) {
            if depth == 0 {
                return Some(k);
            }
            depth -= 1;
        }
    }
    None
}

fn eval_array(input: Vec<Val<'_>>, params: [Param; 3]) -> Result<Vec<Val<'_>>, String> {
    let mut result = Vec::new();
    for v in &input {
        let items: &[Value] = match v {
            Val::Ref(Value::Null) => continue,
            Val::Ref(Value::Array(items)) => items,
            other => return Err(format!("{} is not array or slice", go_type_name(other))),
        };
        let len = items.len() as i64;
        let mut p = params;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value = p[0].value.wrapping_add(len);
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value = p[1].value.wrapping_add(len);
        }
        if p[1].value != p[0].value {
            if p[0].value >= len || p[0].value < 0 {
                return Err(format!("array index out of bounds: index {}, length {}", p[0].value, len));
            }
            if p[1].value > len || p[1].value < 0 {
                return Err(format!("array index out of bounds: index {}, length {}", p[1].value.wrapping_sub(1), len));
            }
            if p[0].value > p[1].value {
                return Err(format!("starting index {} is greater than ending index {}", p[0].value, p[1].value));
            }
        } else {
            return Ok(result);
        }
        let slice = &items[p[0].value as usize..p[1].value as usize];
        let mut step = 1usize;
        if p[2].known {
            if p[2].value <= 0 {
                return Err("step must be > 0".into());
            }
            step = p[2].value as usize;
        }
        for item in slice.iter().step_by(step) {
            result.push(Val::Ref(item));
        }
    }
    Ok(result)
}

/// Children of a value as Go's reflection walks them; map keys in sorted order (Go's order is
/// random, so any fixed order is one kubectl could print).
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    match v {
        Val::Ref(Value::Object(m)) => crate::json::sorted_entries(m).into_iter().map(|(_, v)| Val::Ref(v)).collect(),
        Val::Ref(Value::Array(items)) => items.iter().map(Val::Ref).collect(),
        Val::Ref(Value::String(s)) => s.bytes().map(Val::Byte).collect(),
        Val::Text(s) => s.bytes().map(Val::Byte).collect(),
        _ => Vec::new(),
    }
}

fn eval_wildcard(input: Vec<Val<'_>>) -> Vec<Val<'_>> {
    input.iter().filter(|v| !matches!(v, Val::Ref(Value::Null))).flat_map(children).collect()
}

/// `..`: each value that has children, followed by the recursive results of its children.
fn eval_recursive(input: Vec<Val<'_>>) -> Vec<Val<'_>> {
    let mut out = Vec::new();
    // Explicit stack of (remaining values) to avoid recursion over user data.
    let mut stack: Vec<std::vec::IntoIter<Val<'_>>> = vec![input.into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            None => {
                stack.pop();
            }
            Some(v) => {
                if matches!(v, Val::Ref(Value::Null)) {
                    continue;
                }
                let kids = children(&v);
                if !kids.is_empty() {
                    out.push(v);
                    stack.push(kids.into_iter());
                }
            }
        }
    }
    out
}

fn basic(v: &Val<'_>) -> Result<Basic, String> {
    const BAD_TYPE: &str = "invalid type for comparison";
    Ok(match v {
        Val::Ref(Value::Bool(b)) | Val::Bool(b) => Basic::Bool(*b),
        Val::Ref(Value::Number(n)) => match number_kind(n) {
            Basic2::Int(i) => Basic::Int(i),
            Basic2::Uint(u) => Basic::Uint(u),
            Basic2::Float(f) => Basic::Float(f),
        },
        Val::Ref(Value::String(_)) | Val::Text(_) => Basic::Str,
        Val::Int(i) => Basic::Int(*i),
        Val::Float(f) => Basic::Float(*f),
        Val::Byte(b) => Basic::Uint(u64::from(*b)),
        Val::Ref(_) => return Err(BAD_TYPE.into()),
    })
}

fn text_of<'b>(v: &'b Val<'_>) -> &'b str {
    match v {
        Val::Ref(Value::String(s)) => s,
        Val::Text(s) => s,
        _ => "",
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";

/// Go template `eq`.
fn equal(a: &Val<'_>, b: &Val<'_>) -> Result<bool, String> {
    let (ka, kb) = (basic(a)?, basic(b)?);
    Ok(match (ka, kb) {
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Uint(x), Basic::Uint(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Str, Basic::Str) => text_of(a) == text_of(b),
        (Basic::Int(x), Basic::Uint(y)) => x >= 0 && x as u64 == y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x == y as u64,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

/// Go template `lt`.
fn less(a: &Val<'_>, b: &Val<'_>) -> Result<bool, String> {
    let (ka, kb) = (basic(a)?, basic(b)?);
    Ok(match (ka, kb) {
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Str, Basic::Str) => text_of(a) < text_of(b),
        (Basic::Int(x), Basic::Uint(y)) => x < 0 || (x as u64) < y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x < y as u64,
        (Basic::Bool(_), Basic::Bool(_)) => return Err("invalid type for comparison".into()),
        _ => return Err(BAD_COMPARISON.into()),
    })
}

fn less_equal(a: &Val<'_>, b: &Val<'_>) -> Result<bool, String> {
    let l = less(a, b)?;
    if l {
        return Ok(true);
    }
    equal(a, b)
}

/// `PrintResults` for one result list.
pub(crate) fn print_results(out: &mut String, results: &[Val<'_>], output_json: bool) {
    if output_json {
        let arr = Value::Array(results.iter().map(Val::to_value).collect());
        out.push_str(&json::to_string_indent(&arr, "    "));
        out.push('\n');
        return;
    }
    for (i, r) in results.iter().enumerate() {
        match r {
            Val::Ref(v @ (Value::Object(_) | Value::Array(_))) => out.push_str(&json::to_string_compact(v)),
            other => out.push_str(&text(other)),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
}

/// `evalToText`: `fmt.Fprint` of a scalar, `null` for JSON null.
pub(crate) fn text(v: &Val<'_>) -> String {
    match v {
        Val::Ref(Value::Null) => "null".into(),
        Val::Ref(other) => go_v(other),
        Val::Text(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => gonum::format_g(*f, false),
        Val::Bool(b) => b.to_string(),
        Val::Byte(b) => b.to_string(),
    }
}
