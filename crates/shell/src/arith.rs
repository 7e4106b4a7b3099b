//! Shell arithmetic (`$(( ))`, `(( ))`, `let`): 64-bit integers with C operators.
//!
//! A Pratt parser that evaluates as it parses; the untaken side of `&&`, `||` and `?:`
//! is parsed with evaluation switched off, as bash does. Nesting is bounded.

/// Where arithmetic reads and writes shell variables.
pub(crate) trait Vars {
    fn get(&mut self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: i64);
}

const MAX_DEPTH: u32 = 128;

/// Evaluates `expr`; the error is bash's message without the `bash: ` prefix.
pub(crate) fn eval(expr: &str, vars: &mut dyn Vars) -> Result<i64, String> {
    eval_depth(expr, vars, 0)
}

fn eval_depth(expr: &str, vars: &mut dyn Vars, depth: u32) -> Result<i64, String> {
    // bash trims the front of the expression but shows the rest as written.
    let expr = expr.trim_start();
    let toks = lex(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut p = P { toks, pos: 0, vars, skip: 0, depth, expr: expr.to_string() };
    let v = p.expr_bp(0, 0)?;
    if p.pos < p.toks.len() {
        return Err(p.syntax("syntax error in expression"));
    }
    Ok(v.value)
}

#[derive(Debug, Clone, PartialEq)]
enum T {
    Num(i64),
    Ident(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=",
    "^=", "|=", "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "^", "|", "?", ":", "(", ")", ",",
];

fn lex(s: &str) -> Result<Vec<(T, usize)>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '#' || chars[i] == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = parse_number(&text).ok_or_else(|| {
                let rest: String = chars[start..].iter().collect();
                format!("{s}: value too great for base (error token is \"{rest}\")")
            })?;
            out.push((T::Num(n), start));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((T::Ident(chars[start..i].iter().collect()), start));
            continue;
        }
        for op in OPS {
            if op.chars().enumerate().all(|(k, oc)| chars.get(i + k) == Some(&oc)) {
                out.push((T::Op(op), i));
                i += op.len();
                continue 'outer;
            }
        }
        let rest: String = chars[i..].iter().collect();
        return Err(format!("{s}: syntax error: invalid arithmetic operator (error token is \"{rest}\")"));
    }
    Ok(out)
}

fn parse_number(text: &str) -> Option<i64> {
    if let Some((base, digits)) = text.split_once('#') {
        let base: u32 = base.parse().ok()?;
        if !(2..=64).contains(&base) || digits.is_empty() {
            return None;
        }
        if base <= 36 {
            return i64::from_str_radix(digits, base).ok().or_else(|| wrap_radix(digits, base));
        }
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return wrap_radix(hex, 16);
    }
    if text.len() > 1 && text.starts_with('0') {
        return wrap_radix(&text[1..], 8);
    }
    wrap_radix(text, 10)
}

fn wrap_radix(digits: &str, base: u32) -> Option<i64> {
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.wrapping_mul(base as i64).wrapping_add(d as i64);
    }
    Some(n)
}

struct P<'a> {
    toks: Vec<(T, usize)>,
    pos: usize,
    vars: &'a mut dyn Vars,
    /// Above zero while parsing a branch that is not evaluated.
    skip: u32,
    depth: u32,
    expr: String,
}

struct V {
    value: i64,
    name: Option<String>,
}

impl V {
    fn num(value: i64) -> V {
        V { value, name: None }
    }
}

fn infix(op: &str) -> Option<(u8, bool)> {
    // (binding power, right associative)
    Some(match op {
        "," => (1, false),
        "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "<<=" | ">>=" | "&=" | "^=" | "|=" => (2, true),
        "?" => (3, true),
        "||" => (4, false),
        "&&" => (5, false),
        "|" => (6, false),
        "^" => (7, false),
        "&" => (8, false),
        "==" | "!=" => (9, false),
        "<" | ">" | "<=" | ">=" => (10, false),
        "<<" | ">>" => (11, false),
        "+" | "-" => (12, false),
        "*" | "/" | "%" => (13, false),
        "**" => (14, true),
        _ => return None,
    })
}

impl P<'_> {
    fn peek(&self) -> Option<&T> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn error_token(&self) -> String {
        match self.toks.get(self.pos) {
            Some((_, at)) => self.expr.chars().skip(*at).collect::<String>(),
            None => String::new(),
        }
    }

    fn syntax(&self, what: &str) -> String {
        format!("{}: {what} (error token is \"{}\")", self.expr, self.error_token())
    }

    fn expr_bp(&mut self, min: u8, depth: u32) -> Result<V, String> {
        if depth + self.depth > MAX_DEPTH {
            return Err(format!("{}: expression recursion level exceeded (error token is \"{}\")", self.expr, self.error_token()));
        }
        let mut left = self.prefix(depth)?;
        loop {
            let Some(T::Op(op)) = self.peek().cloned() else {
                if self.peek().is_some() {
                    return Err(self.syntax("syntax error in expression"));
                }
                break;
            };
            if op == "++" || op == "--" {
                // Postfix.
                let Some(name) = left.name.clone() else { return Err(self.syntax("syntax error: operand expected")) };
                self.pos += 1;
                let old = left.value;
                let new = if op == "++" { old.wrapping_add(1) } else { old.wrapping_sub(1) };
                if self.skip == 0 {
                    self.vars.set(&name, new);
                }
                left = V::num(old);
                continue;
            }
            let Some((bp, right_assoc)) = infix(op) else { break };
            if bp < min {
                break;
            }
            self.pos += 1;
            match op {
                "?" => {
                    let cond = left.value != 0;
                    if !cond {
                        self.skip += 1;
                    }
                    let yes = self.expr_bp(0, depth + 1)?;
                    if !cond {
                        self.skip -= 1;
                    }
                    if self.peek() != Some(&T::Op(":")) {
                        return Err(self.syntax("syntax error in expression"));
                    }
                    self.pos += 1;
                    if cond {
                        self.skip += 1;
                    }
                    let no = self.expr_bp(bp, depth + 1)?;
                    if cond {
                        self.skip -= 1;
                    }
                    left = V::num(if cond { yes.value } else { no.value });
                }
                "&&" | "||" => {
                    let short = if op == "&&" { left.value == 0 } else { left.value != 0 };
                    if short {
                        self.skip += 1;
                    }
                    let right = self.expr_bp(bp + 1, depth + 1)?;
                    if short {
                        self.skip -= 1;
                    }
                    let v = if op == "&&" { left.value != 0 && right.value != 0 } else { left.value != 0 || right.value != 0 };
                    left = V::num(v as i64);
                }
                _ if bp == 2 => {
                    let Some(name) = left.name.clone() else {
                        return Err(format!("{}: attempted assignment to non-variable (error token is \"{}\")", self.expr, self.error_token()));
                    };
                    let right = self.expr_bp(bp, depth + 1)?;
                    let value = if op == "=" { right.value } else { self.binary(&op[..op.len() - 1], left.value, right.value)? };
                    if self.skip == 0 {
                        self.vars.set(&name, value);
                    }
                    left = V::num(value);
                }
                _ => {
                    let next = if right_assoc { bp } else { bp + 1 };
                    let right = self.expr_bp(next, depth + 1)?;
                    left = V::num(self.binary(op, left.value, right.value)?);
                }
            }
        }
        Ok(left)
    }

    fn binary(&self, op: &str, a: i64, b: i64) -> Result<i64, String> {
        Ok(match op {
            "," => b,
            "+" => a.wrapping_add(b),
            "-" => a.wrapping_sub(b),
            "*" => a.wrapping_mul(b),
            "/" | "%" => {
                if b == 0 {
                    if self.skip > 0 {
                        return Ok(0);
                    }
                    return Err(format!("{}: division by 0 (error token is \"{}\")", self.expr, self.last_token_text()));
                }
                if op == "/" {
                    a.wrapping_div(b)
                } else {
                    a.wrapping_rem(b)
                }
            }
            "**" => {
                if b < 0 {
                    if self.skip > 0 {
                        return Ok(0);
                    }
                    return Err(format!("{}: exponent less than 0 (error token is \"{}\")", self.expr, self.last_token_text()));
                }
                a.wrapping_pow(b.min(u32::MAX as i64) as u32)
            }
            "<<" => a.wrapping_shl(b as u32),
            ">>" => a.wrapping_shr(b as u32),
            "<" => (a < b) as i64,
            ">" => (a > b) as i64,
            "<=" => (a <= b) as i64,
            ">=" => (a >= b) as i64,
            "==" => (a == b) as i64,
            "!=" => (a != b) as i64,
            "&" => a & b,
            "^" => a ^ b,
            "|" => a | b,
            _ => return Err(self.syntax("syntax error in expression")),
        })
    }

    fn last_token_text(&self) -> String {
        match self.toks.get(self.pos.saturating_sub(1)) {
            Some((_, at)) => self.expr.chars().skip(*at).collect::<String>(),
            None => String::new(),
        }
    }

    fn prefix(&mut self, depth: u32) -> Result<V, String> {
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(format!("{}: syntax error: operand expected (error token is \"{}\")", self.expr, self.last_token_text()));
        };
        self.pos += 1;
        match tok {
            T::Num(n) => Ok(V::num(n)),
            T::Ident(name) => {
                let value = self.variable(&name)?;
                Ok(V { value, name: Some(name) })
            }
            T::Op("(") => {
                let v = self.expr_bp(0, depth + 1)?;
                if self.peek() != Some(&T::Op(")")) {
                    return Err(format!("{}: missing `)' (error token is \"{}\")", self.expr, self.error_token()));
                }
                self.pos += 1;
                Ok(V::num(v.value))
            }
            T::Op(op @ ("++" | "--")) => {
                let v = self.expr_bp(15, depth + 1)?;
                let Some(name) = v.name else { return Err(self.syntax("syntax error: operand expected")) };
                let new = if op == "++" { v.value.wrapping_add(1) } else { v.value.wrapping_sub(1) };
                if self.skip == 0 {
                    self.vars.set(&name, new);
                }
                Ok(V::num(new))
            }
            T::Op(op @ ("-" | "+" | "!" | "~")) => {
                let v = self.expr_bp(15, depth + 1)?.value;
                Ok(V::num(match op {
                    "-" => v.wrapping_neg(),
                    "+" => v,
                    "!" => (v == 0) as i64,
                    _ => !v,
                }))
            }
            T::Op(_) => {
                self.pos -= 1;
                Err(self.syntax("syntax error: operand expected"))
            }
        }
    }

    fn variable(&mut self, name: &str) -> Result<i64, String> {
        let text = self.vars.get(name).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            return Ok(0);
        }
        if let Some(n) = parse_number(text) {
            return Ok(n);
        }
        if text.strip_prefix('-').and_then(parse_number).is_some() {
            return Ok(parse_number(&text[1..]).unwrap_or(0).wrapping_neg());
        }
        if self.depth + 1 > MAX_DEPTH / 4 {
            return Err(format!("{name}: expression recursion level exceeded (error token is \"{name}\")"));
        }
        eval_depth(text, self.vars, self.depth + 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct M(BTreeMap<String, String>);
    impl Vars for M {
        fn get(&mut self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
        fn set(&mut self, name: &str, value: i64) {
            self.0.insert(name.to_string(), value.to_string());
        }
    }

    #[test]
    fn arithmetic() {
        let mut m = M(BTreeMap::new());
        assert_eq!(eval("1 + 2 * 3", &mut m), Ok(7));
        assert_eq!(eval("(1 + 2) * 3", &mut m), Ok(9));
        assert_eq!(eval("2 ** 10", &mut m), Ok(1024));
        assert_eq!(eval("x = 5, x++, x", &mut m), Ok(6));
        assert_eq!(eval("x > 3 ? 10 : 20", &mut m), Ok(10));
        assert_eq!(eval("0 && 1/0", &mut m), Ok(0));
        assert_eq!(eval("1/0", &mut m), Err("1/0: division by 0 (error token is \"0\")".into()));
        assert_eq!(eval("0x10 + 010", &mut m), Ok(24));
        assert_eq!(eval("-3 % 2", &mut m), Ok(-1));
        assert!(eval("1 +", &mut m).is_err());
        m.0.insert("a".into(), "a".into());
        assert!(eval("a", &mut m).is_err());
    }
}
