//! The template parser of client-go's `util/jsonpath`, rewritten with loops.
//!
//! A template is literal text with `{...}` actions. Inside an action: `.field` (backslash
//! escapes dots), `..` recursive descent, `[i]`, `[a:b:c]`, `[*]`, `[]` (the first element),
//! `[0,2]` unions, `['key']`, `[?(@.x=="y")]` filters, quoted strings, numbers, `true`/`false`,
//! and the identifiers `range` and `end`. Error texts are client-go's.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    List(Vec<Node>),
    Field(String),
    Array([Param; 3]),
    Filter { left: Vec<Node>, right: Vec<Node>, op: String },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Param {
    pub value: i64,
    pub known: bool,
    pub derived: bool,
}

/// Nesting of re-parsed sub-templates (unions, filters, `['key']`) is bounded by the
/// template's own length, which kubectl users type by hand; this guards pathological input.
const MAX_NESTING: u32 = 64;

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
    nesting: u32,
}

// A noncharacter stands for end of input; a template containing it just fails to parse.
const EOF: char = '\u{FFFF}';

/// Parses a whole template into its root nodes (text and action lists).
pub(crate) fn parse(text: &str) -> Result<Vec<Node>, String> {
    parse_nested(text, 0)
}

fn parse_nested(text: &str, nesting: u32) -> Result<Vec<Node>, String> {
    if nesting > MAX_NESTING {
        return Err("template nested too deeply".into());
    }
    let mut p = Parser { input: text, pos: 0, start: 0, width: 0, nesting };
    let mut root = Vec::new();
    loop {
        // parseText: literal text up to the next '{'.
        match p.input[p.pos..].find('{') {
            Some(off) => {
                p.pos += off;
                if p.pos > p.start {
                    root.push(Node::Text(p.consume_text()));
                }
                p.pos += 1;
                p.consume_text();
                let mut list = Vec::new();
                p.parse_inside_action(&mut list)?;
                root.push(Node::List(list));
            }
            None => {
                p.pos = p.input.len();
                if p.pos > p.start {
                    root.push(Node::Text(p.consume_text()));
                }
                return Ok(root);
            }
        }
    }
}

/// client-go `parseAction`: parses `{text}` and returns the action's nodes.
fn parse_action(text: &str, nesting: u32) -> Result<Vec<Node>, String> {
    let root = parse_nested(&format!("{{{text}}}"), nesting + 1)?;
    match root.into_iter().next() {
        Some(Node::List(nodes)) => Ok(nodes),
        _ => Ok(Vec::new()),
    }
}

fn is_terminator(r: char) -> bool {
    matches!(r, ' ' | '\t' | '\r' | '\n' | EOF | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}')
}

fn is_alphanumeric(r: char) -> bool {
    r != EOF && (r == '_' || r.is_alphabetic() || r.is_numeric())
}

/// Go's `%#U`.
pub(crate) fn fmt_sharp_u(r: char) -> String {
    let code = r as u32;
    if !r.is_control() && r != '\u{feff}' {
        format!("U+{code:04X} '{r}'")
    } else {
        format!("U+{code:04X}")
    }
}

impl<'a> Parser<'a> {
    fn consume_text(&mut self) -> String {
        let v = self.input[self.start..self.pos].to_string();
        self.start = self.pos;
        v
    }

    fn next(&mut self) -> char {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                c
            }
        }
    }

    fn peek(&mut self) -> char {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }

    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest().starts_with('}') {
                self.pos += 1;
                self.consume_text();
                return Ok(());
            }
            if self.rest().starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if self.rest().starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            let r = self.next();
            match r {
                EOF | '\r' | '\n' => return Err("unclosed action".into()),
                ' ' | '@' | '$' => {
                    self.consume_text();
                }
                '[' => self.parse_array(cur)?,
                '"' | '\'' => self.parse_quote(cur, r)?,
                '.' => self.parse_field(cur)?,
                _ if r == '+' || r == '-' || r.is_ascii_digit() || (r.is_numeric() && !r.is_ascii()) => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                _ if is_alphanumeric(r) => {
                    self.backup();
                    self.parse_identifier(cur)?;
                }
                _ => return Err(format!("unrecognized character in action: {}", fmt_sharp_u(r))),
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            let r = self.next();
            if is_terminator(r) {
                if r != EOF {
                    self.backup();
                }
                break;
            }
        }
        let value = self.consume_text();
        match value.as_str() {
            "true" => cur.push(Node::Bool(true)),
            "false" => cur.push(Node::Bool(false)),
            _ => cur.push(Node::Identifier(value)),
        }
        Ok(())
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(cur.last(), Some(Node::Recursive)) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume_text();
        cur.push(Node::Recursive);
        let r = self.peek();
        if is_alphanumeric(r) {
            self.parse_field(cur)?;
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        let r = self.peek();
        if r == '+' || r == '-' {
            self.next();
        }
        loop {
            let r = self.next();
            if r != '.' && !r.is_ascii_digit() {
                if r != EOF {
                    self.backup();
                }
                break;
            }
        }
        let value = self.consume_text();
        // strconv.Atoi, then strconv.ParseFloat.
        let digits = value.strip_prefix(['+', '-']).unwrap_or(&value);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = value.parse::<i64>() {
                cur.push(Node::Int(i));
                return Ok(());
            }
        }
        if let Some(f) = crate::gonum::parse_float_decimal(&value) {
            cur.push(Node::Float(f));
            return Ok(());
        }
        Err(format!("cannot parse number {value}"))
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                EOF | '\n' => return Err("unterminated array".into()),
                ']' => break,
                _ => {}
            }
        }
        let text = self.consume_text();
        let mut text = text[1..text.len() - 1].to_string();
        if text == "*" {
            text = ":".into();
        }
        let strs: Vec<&str> = text.split(',').collect();
        if strs.len() > 1 {
            let mut union = Vec::new();
            for s in strs {
                union.push(parse_action(&format!("[{}]", s.trim_matches(' ')), self.nesting)?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        // ^'([^']*)'$ : a quoted key is re-parsed as a field path.
        if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') && !text[1..text.len() - 1].contains('\'') {
            let nodes = parse_action(&format!(".{}", &text[1..text.len() - 1]), self.nesting)?;
            cur.extend(nodes);
            return Ok(());
        }
        let Some(parts) = slice_operator(&text) else {
            return Err(format!("invalid array index {text}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let mut v = parts[i].clone();
            if !v.is_empty() {
                if i > 0 {
                    v = v[1..].to_string();
                }
                if i > 0 && v.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = v.parse::<i64>().map_err(|_| format!("array index {v} is not a number"))?;
                }
            } else if i == 1 {
                params[i].known = true;
                params[i].value = params[0].value.wrapping_add(1);
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume_text();
        let mut begin = false;
        let mut end = false;
        let mut pair = '\0';
        loop {
            let r = self.next();
            match r {
                EOF | '\n' => return Err("unterminated filter".into()),
                '"' | '\'' => {
                    if !begin {
                        begin = true;
                        pair = r;
                        continue;
                    }
                    if self.input.as_bytes()[self.pos - 2] != b'\\' && r == pair {
                        end = true;
                    }
                }
                ')'
                    if begin == end => {
                        break;
                    }
                _ => {}
            }
        }
        if self.next() != ']' {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume_text();
        let text = &text[..text.len() - 2];
        match split_filter(text) {
            None => {
                let left = parse_action(text, self.nesting)?;
                cur.push(Node::Filter { left, right: Vec::new(), op: "exists".into() });
            }
            Some((l, op, r)) => {
                let left = parse_action(l, self.nesting)?;
                let right = parse_action(r, self.nesting)?;
                cur.push(Node::Filter { left, right, op: op.to_string() });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            let r = self.next();
            if r == EOF || r == '\n' {
                return Err("unterminated quoted string".into());
            }
            if r == end && self.input.as_bytes()[self.pos - 2] != b'\\' {
                break;
            }
        }
        let value = self.consume_text();
        let s = unquote_extend(&value).map_err(|e| format!("unquote string {value} error {e}"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.consume_text();
        loop {
            let r = self.next();
            if r == '\\' {
                self.next();
            } else if is_terminator(r) {
                if r != EOF {
                    self.backup();
                }
                break;
            }
        }
        let value = self.consume_text();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
        Ok(())
    }
}

/// `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$`, returning the three groups (empty when absent).
fn slice_operator(text: &str) -> Option<[String; 3]> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut groups: [String; 3] = Default::default();
    let take_num = |i: &mut usize| {
        if *i < b.len() && b[*i] == b'-' {
            *i += 1;
        }
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    let s = i;
    take_num(&mut i);
    groups[0] = text[s..i].to_string();
    for g in groups.iter_mut().skip(1) {
        if i < b.len() && b[i] == b':' {
            let s = i;
            i += 1;
            take_num(&mut i);
            *g = text[s..i].to_string();
        }
    }
    if i == b.len() {
        Some(groups)
    } else {
        None
    }
}

/// `^([^!<>=]+)([!<>=]+)(.+?)$`
fn split_filter(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op)?;
    if op_start == 0 {
        return None;
    }
    let after = &text[op_start..];
    let op_len = after.find(|c: char| !is_op(c)).unwrap_or(after.len());
    let right = &after[op_len..];
    if right.is_empty() {
        return None;
    }
    Some((&text[..op_start], &after[..op_len], right))
}

/// client-go `UnquoteExtend`: Go `strconv.UnquoteChar` over a `"..."` or `'...'` literal.
pub(crate) fn unquote_extend(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX.into());
    }
    let quote = b[0];
    if quote != b[b.len() - 1] || (quote != b'"' && quote != b'\'') {
        return Err(SYNTAX.into());
    }
    let inner = &s[1..s.len() - 1];
    if !inner.contains('\\') && !inner.contains(quote as char) {
        return Ok(inner.to_string());
    }
    let mut out = String::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == quote as char {
            return Err(SYNTAX.into());
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&e) = chars.get(i) else { return Err(SYNTAX.into()) };
        i += 1;
        let hex = |n: usize, i: &mut usize| -> Result<u32, String> {
            let mut v = 0u32;
            for _ in 0..n {
                let d = chars.get(*i).and_then(|c| c.to_digit(16)).ok_or_else(|| SYNTAX.to_string())?;
                v = v * 16 + d;
                *i += 1;
            }
            Ok(v)
        };
        match e {
            'a' => out.push('\u{07}'),
            'b' => out.push('\u{08}'),
            'f' => out.push('\u{0c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{0b}'),
            '\\' => out.push('\\'),
            '\'' | '"' => {
                if e as u32 != u32::from(quote) {
                    return Err(SYNTAX.into());
                }
                out.push(e);
            }
            'x' => {
                let v = hex(2, &mut i)?;
                // A \x escape is a byte; only ASCII bytes make valid text here.
                out.push(char::from_u32(v).filter(|c| c.is_ascii()).unwrap_or('\u{fffd}'));
            }
            'u' => out.push(char::from_u32(hex(4, &mut i)?).ok_or_else(|| SYNTAX.to_string())?),
            'U' => out.push(char::from_u32(hex(8, &mut i)?).ok_or_else(|| SYNTAX.to_string())?),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars.get(i).and_then(|c| c.to_digit(8)).ok_or_else(|| SYNTAX.to_string())?;
                    v = v * 8 + d;
                    i += 1;
                }
                if v > 255 {
                    return Err(SYNTAX.into());
                }
                out.push(char::from_u32(v).filter(|c| c.is_ascii()).unwrap_or('\u{fffd}'));
            }
            _ => return Err(SYNTAX.into()),
        }
    }
    Ok(out)
}
