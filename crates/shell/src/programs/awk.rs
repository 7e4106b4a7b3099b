//! A small awk: patterns (`BEGIN`, `END`, `/re/`, expressions, ranges), fields, `-F`,
//! `-v`, variables and associative arrays, `print`/`printf` (also `> file`), control
//! flow, the common built-in functions and user functions (`function f(a,  local)`,
//! `return`; arrays by reference).
//!
//! Interpretation is bounded by a step budget so `BEGIN { while (1) {} }` ends with an
//! error instead of hanging, and parsing is bounded in depth.

use super::text::{format_float, format_int, pad, parse_spec};
use super::{compile_regex, ere_fixup, unescape, Ctx, Escapes};
use std::collections::BTreeMap;

const MAX_STEPS: u64 = 2_000_000;
const MAX_DEPTH: u32 = 40;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Regex(String),
    Name(String),
    Func(String),
    Kw(&'static str),
    Op(&'static str),
    Newline,
    Eof,
}

const KEYWORDS: &[&str] =
    &["BEGIN", "END", "if", "else", "while", "for", "in", "do", "break", "continue", "next", "exit", "print", "printf", "delete", "getline", "function", "return"];
const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower", "toupper", "int", "sqrt", "exp", "log",
    "sin", "cos", "atan2", "rand", "srand", "system",
];
const OPS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&", "||", ">>", "!~", "{", "}", "(", ")", "[", "]",
    ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "=",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    let Some(&c) = chars.get(i) else { return Err("unterminated string".into()) };
                    i += 1;
                    if c == '"' {
                        break;
                    }
                    if c == '\\' {
                        let Some(&n) = chars.get(i) else { return Err("unterminated string".into()) };
                        i += 1;
                        match n {
                            '"' => s.push('"'),
                            '/' => s.push('/'),
                            _ => {
                                let (u, _) = unescape(&format!("\\{n}"), Escapes::Printf);
                                s.push_str(&u);
                            }
                        }
                        continue;
                    }
                    s.push(c);
                }
                out.push(Tok::Str(s));
            }
            '/' if !divides(out.last()) => {
                i += 1;
                let mut s = String::new();
                let mut in_class = false;
                loop {
                    let Some(&c) = chars.get(i) else { return Err("unterminated regexp".into()) };
                    i += 1;
                    if c == '\n' {
                        return Err("unterminated regexp".into());
                    }
                    if c == '/' && !in_class {
                        break;
                    }
                    if c == '[' {
                        in_class = true;
                    } else if c == ']' {
                        in_class = false;
                    }
                    if c == '\\' {
                        if let Some(&n) = chars.get(i) {
                            i += 1;
                            if n == '/' {
                                s.push('/');
                            } else {
                                s.push('\\');
                                s.push(n);
                            }
                            continue;
                        }
                    }
                    s.push(c);
                }
                out.push(Tok::Regex(s));
            }
            c if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) => {
                let start = i;
                if c == '0' && matches!(chars.get(i + 1), Some('x') | Some('X')) {
                    i += 2;
                    while i < chars.len() && chars[i].is_ascii_hexdigit() {
                        i += 1;
                    }
                    let text: String = chars[start + 2..i].iter().collect();
                    out.push(Tok::Num(i64::from_str_radix(&text, 16).unwrap_or(0) as f64));
                    continue;
                }
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                    let save = i;
                    i += 1;
                    if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                        i += 1;
                    }
                    if i < chars.len() && chars[i].is_ascii_digit() {
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                    } else {
                        i = save;
                    }
                }
                let text: String = chars[start..i].iter().collect();
                out.push(Tok::Num(text.parse().unwrap_or(0.0)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                    out.push(Tok::Kw(k));
                } else if BUILTINS.contains(&word.as_str()) {
                    out.push(Tok::Func(word));
                } else {
                    out.push(Tok::Name(word));
                }
            }
            _ => {
                let Some(op) = OPS.iter().find(|op| op.chars().enumerate().all(|(k, oc)| chars.get(i + k) == Some(&oc))) else {
                    return Err(format!("invalid char '{c}' in expression"));
                };
                out.push(Tok::Op(op));
                i += op.len();
            }
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}

/// After these tokens `/` divides; elsewhere it starts a regex.
fn divides(prev: Option<&Tok>) -> bool {
    matches!(prev, Some(Tok::Num(_)) | Some(Tok::Str(_)) | Some(Tok::Name(_)) | Some(Tok::Op(")")) | Some(Tok::Op("]")) | Some(Tok::Op("$")) | Some(Tok::Op("++")) | Some(Tok::Op("--")))
}

#[derive(Debug, Clone)]
enum Expr {
    Num(f64),
    Str(String),
    Regex(String),
    Field(Box<Expr>),
    Var(String),
    Index(String, Vec<Expr>),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    In(Vec<Expr>, String),
    Call(String, Vec<Expr>),
    /// A call of a function the program defines.
    UserCall(String, Vec<Expr>),
    IncDec { pre: bool, delta: f64, target: Box<Expr> },
    Group(Box<Expr>),
}

#[derive(Debug, Clone)]
enum Stmt {
    Print(Vec<Expr>, Option<(bool, Expr)>),
    Printf(Vec<Expr>, Option<(bool, Expr)>),
    Expr(Expr),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(Option<Expr>, Option<Expr>, Option<Expr>, Box<Stmt>),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
    Return(Option<Expr>),
}

enum Pattern {
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

struct Program {
    /// `function name(params) { body }`
    functions: BTreeMap<String, (Vec<String>, Vec<Stmt>)>,
    begin: Vec<Stmt>,
    rules: Vec<(Pattern, Option<Vec<Stmt>>)>,
    end: Vec<Stmt>,
}

struct P {
    toks: Vec<Tok>,
    pos: usize,
    depth: u32,
    /// Inside `print` arguments, `>` is a redirection, not a comparison.
    no_gt: bool,
    no_in: bool,
    /// The names the program defines functions under (found before parsing).
    function_names: Vec<String>,
}

type R<T> = Result<T, String>;

impl P {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }
    fn next(&mut self) -> Tok {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_op(&mut self, op: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }
    fn unexpected(&self) -> String {
        match self.peek() {
            Tok::Eof | Tok::Newline => "syntax error: unexpected newline or end of string".to_string(),
            t => format!("syntax error near {}", tok_text(t)),
        }
    }
    fn newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.pos += 1;
        }
    }
    fn terminators(&mut self) {
        while matches!(self.peek(), Tok::Newline | Tok::Op(";")) {
            self.pos += 1;
        }
    }
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("program nested too deeply".to_string());
        }
        Ok(())
    }

    fn program(&mut self) -> R<Program> {
        let mut prog = Program { functions: BTreeMap::new(), begin: Vec::new(), rules: Vec::new(), end: Vec::new() };
        loop {
            self.terminators();
            match self.peek().clone() {
                Tok::Eof => break,
                Tok::Kw("BEGIN") => {
                    self.pos += 1;
                    self.newlines();
                    let b = self.block()?;
                    prog.begin.extend(b);
                }
                Tok::Kw("END") => {
                    self.pos += 1;
                    self.newlines();
                    let b = self.block()?;
                    prog.end.extend(b);
                }
                Tok::Kw("function") => {
                    self.pos += 1;
                    let name = match self.next() {
                        Tok::Name(n) | Tok::Func(n) => n,
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected());
                        }
                    };
                    self.expect_op("(")?;
                    let mut params = Vec::new();
                    while !self.eat_op(")") {
                        match self.next() {
                            Tok::Name(n) => params.push(n),
                            _ => {
                                self.pos -= 1;
                                return Err(self.unexpected());
                            }
                        }
                        self.newlines();
                        if !self.is_op(")") {
                            self.expect_op(",")?;
                            self.newlines();
                        }
                    }
                    self.newlines();
                    let body = self.block()?;
                    if prog.functions.insert(name.clone(), (params, body)).is_some() {
                        return Err(format!("function `{name}' redefined"));
                    }
                }
                Tok::Op("{") => {
                    let b = self.block()?;
                    prog.rules.push((Pattern::All, Some(b)));
                }
                _ => {
                    let e = self.expr()?;
                    let pat = if self.eat_op(",") {
                        self.newlines();
                        Pattern::Range(e, self.expr()?)
                    } else {
                        Pattern::Expr(e)
                    };
                    let action = if self.is_op("{") { Some(self.block()?) } else { None };
                    prog.rules.push((pat, action));
                }
            }
        }
        Ok(prog)
    }

    fn block(&mut self) -> R<Vec<Stmt>> {
        self.enter()?;
        self.expect_op("{")?;
        let mut stmts = Vec::new();
        loop {
            self.terminators();
            if self.eat_op("}") {
                break;
            }
            if matches!(self.peek(), Tok::Eof) {
                return Err(self.unexpected());
            }
            stmts.push(self.stmt()?);
        }
        self.depth -= 1;
        Ok(stmts)
    }

    fn simple_end(&mut self) -> R<()> {
        match self.peek() {
            Tok::Op(";") | Tok::Newline => {
                self.pos += 1;
                Ok(())
            }
            Tok::Op("}") | Tok::Eof => Ok(()),
            _ => Err(self.unexpected()),
        }
    }

    fn stmt(&mut self) -> R<Stmt> {
        self.enter()?;
        let s = self.stmt_inner();
        self.depth -= 1;
        s
    }

    fn body(&mut self) -> R<Stmt> {
        self.newlines();
        if self.eat_op(";") {
            return Ok(Stmt::Block(Vec::new()));
        }
        self.stmt()
    }

    fn stmt_inner(&mut self) -> R<Stmt> {
        match self.peek().clone() {
            Tok::Op("{") => Ok(Stmt::Block(self.block()?)),
            Tok::Kw("if") => {
                self.pos += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                let then = self.body()?;
                let save = self.pos;
                self.terminators();
                if matches!(self.peek(), Tok::Kw("else")) {
                    self.pos += 1;
                    let other = self.body()?;
                    return Ok(Stmt::If(c, Box::new(then), Some(Box::new(other))));
                }
                self.pos = save;
                Ok(Stmt::If(c, Box::new(then), None))
            }
            Tok::Kw("while") => {
                self.pos += 1;
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                if self.eat_op(";") {
                    return Ok(Stmt::While(c, Box::new(Stmt::Block(Vec::new()))));
                }
                Ok(Stmt::While(c, Box::new(self.body()?)))
            }
            Tok::Kw("do") => {
                self.pos += 1;
                let b = self.body()?;
                self.terminators();
                if !matches!(self.next(), Tok::Kw("while")) {
                    return Err("syntax error: expected while".to_string());
                }
                self.expect_op("(")?;
                let c = self.expr()?;
                self.expect_op(")")?;
                self.simple_end()?;
                Ok(Stmt::Do(Box::new(b), c))
            }
            Tok::Kw("for") => {
                self.pos += 1;
                self.expect_op("(")?;
                if let (Tok::Name(v), Tok::Kw("in"), Tok::Name(a), Tok::Op(")")) = (
                    self.peek().clone(),
                    self.toks.get(self.pos + 1).cloned().unwrap_or(Tok::Eof),
                    self.toks.get(self.pos + 2).cloned().unwrap_or(Tok::Eof),
                    self.toks.get(self.pos + 3).cloned().unwrap_or(Tok::Eof),
                ) {
                    self.pos += 4;
                    return Ok(Stmt::ForIn(v, a, Box::new(self.body()?)));
                }
                let init = if self.is_op(";") { None } else { Some(self.expr()?) };
                self.expect_op(";")?;
                self.newlines();
                let cond = if self.is_op(";") { None } else { Some(self.expr()?) };
                self.expect_op(";")?;
                self.newlines();
                let step = if self.is_op(")") { None } else { Some(self.expr()?) };
                self.expect_op(")")?;
                if self.eat_op(";") {
                    return Ok(Stmt::For(init, cond, step, Box::new(Stmt::Block(Vec::new()))));
                }
                Ok(Stmt::For(init, cond, step, Box::new(self.body()?)))
            }
            Tok::Kw(k @ ("next" | "break" | "continue")) => {
                self.pos += 1;
                self.simple_end()?;
                Ok(match k {
                    "next" => Stmt::Next,
                    "break" => Stmt::Break,
                    _ => Stmt::Continue,
                })
            }
            Tok::Kw("return") => {
                self.pos += 1;
                let e = if matches!(self.peek(), Tok::Op(";") | Tok::Op("}") | Tok::Newline | Tok::Eof) { None } else { Some(self.expr()?) };
                self.simple_end()?;
                Ok(Stmt::Return(e))
            }
            Tok::Kw("exit") => {
                self.pos += 1;
                let e = if matches!(self.peek(), Tok::Op(";") | Tok::Op("}") | Tok::Newline | Tok::Eof) { None } else { Some(self.expr()?) };
                self.simple_end()?;
                Ok(Stmt::Exit(e))
            }
            Tok::Kw("delete") => {
                self.pos += 1;
                let Tok::Name(name) = self.next() else { return Err(self.unexpected()) };
                let idx = if self.eat_op("[") {
                    let list = self.expr_list()?;
                    self.expect_op("]")?;
                    Some(list)
                } else {
                    None
                };
                self.simple_end()?;
                Ok(Stmt::Delete(name, idx))
            }
            Tok::Kw(k @ ("print" | "printf")) => {
                self.pos += 1;
                let mut args = Vec::new();
                let saved = self.no_gt;
                self.no_gt = true;
                if !matches!(self.peek(), Tok::Op(";") | Tok::Op("}") | Tok::Newline | Tok::Eof | Tok::Op(">") | Tok::Op(">>") | Tok::Op("|")) {
                    if self.is_op("(") {
                        // `print (a, b)` or `print (a) b`.
                        let save = self.pos;
                        self.pos += 1;
                        self.no_gt = false;
                        let list = self.expr_list();
                        self.no_gt = true;
                        if let Ok(list) = list {
                            if self.eat_op(")") && matches!(self.peek(), Tok::Op(";") | Tok::Op("}") | Tok::Newline | Tok::Eof | Tok::Op(">") | Tok::Op(">>")) {
                                args = list;
                            } else {
                                self.pos = save;
                            }
                        } else {
                            self.pos = save;
                        }
                    }
                    if args.is_empty() {
                        args = self.expr_list()?;
                    }
                }
                self.no_gt = saved;
                let redirect = if self.eat_op(">") {
                    Some((false, self.concat_expr()?))
                } else if self.eat_op(">>") {
                    Some((true, self.concat_expr()?))
                } else if self.is_op("|") {
                    return Err("output to a command is not supported here".to_string());
                } else {
                    None
                };
                self.simple_end()?;
                if k == "print" {
                    Ok(Stmt::Print(args, redirect))
                } else {
                    if args.is_empty() {
                        return Err(self.unexpected());
                    }
                    Ok(Stmt::Printf(args, redirect))
                }
            }
            Tok::Kw("getline") => Err("getline is not supported here".to_string()),
            _ => {
                let e = self.expr()?;
                self.simple_end()?;
                Ok(Stmt::Expr(e))
            }
        }
    }

    fn expr_list(&mut self) -> R<Vec<Expr>> {
        let mut v = vec![self.expr()?];
        while self.eat_op(",") {
            self.newlines();
            v.push(self.expr()?);
        }
        Ok(v)
    }

    fn expr(&mut self) -> R<Expr> {
        self.enter()?;
        let e = self.ternary();
        self.depth -= 1;
        e
    }

    fn ternary(&mut self) -> R<Expr> {
        let c = self.or()?;
        if self.eat_op("?") {
            self.newlines();
            let a = self.expr()?;
            self.newlines();
            self.expect_op(":")?;
            self.newlines();
            let b = self.expr()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        if let Tok::Op(op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=")) = self.peek().clone() {
            if matches!(c, Expr::Var(_) | Expr::Index(..) | Expr::Field(_)) {
                self.pos += 1;
                self.newlines();
                let v = self.expr()?;
                return Ok(Expr::Assign(op, Box::new(c), Box::new(v)));
            }
        }
        Ok(c)
    }

    fn or(&mut self) -> R<Expr> {
        let mut l = self.and()?;
        while self.eat_op("||") {
            self.newlines();
            let r = self.and()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> R<Expr> {
        let mut l = self.in_expr()?;
        while self.eat_op("&&") {
            self.newlines();
            let r = self.in_expr()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn in_expr(&mut self) -> R<Expr> {
        let mut l = self.matching()?;
        while !self.no_in && matches!(self.peek(), Tok::Kw("in")) {
            self.pos += 1;
            let Tok::Name(a) = self.next() else { return Err(self.unexpected()) };
            l = Expr::In(vec![l], a);
        }
        Ok(l)
    }

    fn matching(&mut self) -> R<Expr> {
        let mut l = self.comparison()?;
        loop {
            let neg = if self.eat_op("~") {
                false
            } else if self.eat_op("!~") {
                true
            } else {
                break;
            };
            let r = self.comparison()?;
            l = Expr::Match(neg, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn comparison(&mut self) -> R<Expr> {
        let l = self.concat_expr()?;
        let op = match self.peek() {
            Tok::Op(op @ ("<" | "<=" | "!=" | "==" | ">=")) => *op,
            Tok::Op(">") if !self.no_gt => ">",
            _ => return Ok(l),
        };
        self.pos += 1;
        let r = self.concat_expr()?;
        Ok(Expr::Bin(op, Box::new(l), Box::new(r)))
    }

    fn starts_operand(&self) -> bool {
        matches!(self.peek(), Tok::Num(_) | Tok::Str(_) | Tok::Regex(_) | Tok::Name(_) | Tok::Func(_) | Tok::Op("$") | Tok::Op("(") | Tok::Op("!") | Tok::Op("++") | Tok::Op("--") | Tok::Op("-"))
    }

    fn concat_expr(&mut self) -> R<Expr> {
        let mut l = self.additive()?;
        while self.starts_operand() && !self.is_op("-") && !self.is_op("!") {
            if matches!(self.peek(), Tok::Kw("in")) {
                break;
            }
            let r = self.additive()?;
            l = Expr::Concat(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn additive(&mut self) -> R<Expr> {
        let mut l = self.multiplicative()?;
        while let Tok::Op(op @ ("+" | "-")) = self.peek() {
            let op = *op;
            self.pos += 1;
            let r = self.multiplicative()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn multiplicative(&mut self) -> R<Expr> {
        let mut l = self.unary()?;
        while let Tok::Op(op @ ("*" | "/" | "%")) = self.peek() {
            let op = *op;
            self.pos += 1;
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn unary(&mut self) -> R<Expr> {
        self.enter()?;
        let r = if self.eat_op("!") {
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if self.eat_op("-") {
            self.unary().map(|e| Expr::Neg(Box::new(e)))
        } else if self.eat_op("+") {
            self.unary().map(|e| Expr::Plus(Box::new(e)))
        } else {
            self.power()
        };
        self.depth -= 1;
        r
    }

    fn power(&mut self) -> R<Expr> {
        let base = self.postfix()?;
        if self.eat_op("^") {
            let exp = self.unary()?;
            return Ok(Expr::Bin("^", Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> R<Expr> {
        if self.eat_op("++") || {
            let dec = self.is_op("--");
            if dec {
                self.pos += 1;
            }
            dec
        } {
            let delta = if matches!(self.toks.get(self.pos - 1), Some(Tok::Op("++"))) { 1.0 } else { -1.0 };
            let target = self.postfix()?;
            return Ok(Expr::IncDec { pre: true, delta, target: Box::new(target) });
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Index(..) | Expr::Field(_)) {
            if self.eat_op("++") {
                return Ok(Expr::IncDec { pre: false, delta: 1.0, target: Box::new(e) });
            }
            if self.eat_op("--") {
                return Ok(Expr::IncDec { pre: false, delta: -1.0, target: Box::new(e) });
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> R<Expr> {
        match self.next() {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Regex(r) => Ok(Expr::Regex(r)),
            Tok::Op("$") => {
                self.enter()?;
                let e = if self.eat_op("++") || self.eat_op("--") { return Err(self.unexpected()) } else { self.primary_for_field()? };
                self.depth -= 1;
                Ok(Expr::Field(Box::new(e)))
            }
            Tok::Op("(") => {
                let saved = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let first = self.expr()?;
                if self.eat_op(",") {
                    let mut list = vec![first];
                    list.extend(self.expr_list()?);
                    self.expect_op(")")?;
                    (self.no_gt, self.no_in) = saved;
                    if !matches!(self.next(), Tok::Kw("in")) {
                        return Err(self.unexpected());
                    }
                    let Tok::Name(a) = self.next() else { return Err(self.unexpected()) };
                    return Ok(Expr::In(list, a));
                }
                self.expect_op(")")?;
                (self.no_gt, self.no_in) = saved;
                Ok(Expr::Group(Box::new(first)))
            }
            Tok::Name(n) if self.function_names.contains(&n) && self.is_op("(") => {
                self.pos += 1;
                let saved = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let args = if self.is_op(")") { Vec::new() } else { self.expr_list()? };
                self.expect_op(")")?;
                (self.no_gt, self.no_in) = saved;
                Ok(Expr::UserCall(n, args))
            }
            Tok::Name(n) => {
                if self.eat_op("[") {
                    let list = self.expr_list()?;
                    self.expect_op("]")?;
                    return Ok(Expr::Index(n, list));
                }
                Ok(Expr::Var(n))
            }
            Tok::Func(f) => {
                if !self.eat_op("(") {
                    if f == "length" {
                        return Ok(Expr::Call(f, Vec::new()));
                    }
                    return Err(self.unexpected());
                }
                let saved = (self.no_gt, self.no_in);
                self.no_gt = false;
                self.no_in = false;
                let args = if self.is_op(")") { Vec::new() } else { self.expr_list()? };
                self.expect_op(")")?;
                (self.no_gt, self.no_in) = saved;
                Ok(Expr::Call(f, args))
            }
            Tok::Op("-") => Ok(Expr::Neg(Box::new(self.unary()?))),
            _ => {
                self.pos -= 1;
                Err(self.unexpected())
            }
        }
    }

    fn primary_for_field(&mut self) -> R<Expr> {
        if self.eat_op("-") {
            return Ok(Expr::Neg(Box::new(self.primary()?)));
        }
        self.primary()
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("{n}"),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Regex(r) => format!("/{r}/"),
        Tok::Name(n) | Tok::Func(n) => n.clone(),
        Tok::Kw(k) => k.to_string(),
        Tok::Op(o) => o.to_string(),
        Tok::Newline => "newline".to_string(),
        Tok::Eof => "end of file".to_string(),
    }
}

// ----- values and the interpreter -----

#[derive(Debug, Clone)]
enum Val {
    Num(f64),
    Str(String),
    /// Input text that compares as a number when it looks like one.
    StrNum(String),
}

fn looks_numeric(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") || lower.starts_with("0x") {
        return None;
    }
    t.parse::<f64>().ok()
}

/// awk's string-to-number: the longest numeric prefix.
fn str_to_num(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = false;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits = true;
        end = i;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits = true;
            end = i;
        }
    }
    if digits && i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            end = j;
        }
    }
    if !digits {
        return 0.0;
    }
    t[..end].parse().unwrap_or(0.0)
}

fn num_to_str(n: f64) -> String {
    if n == n.trunc() && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        let spec = super::text::Spec { conv: 'g', precision: Some(6), ..Default::default() };
        format_float(&spec, n)
    }
}

impl Val {
    fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => str_to_num(s),
        }
    }
    fn string(&self) -> String {
        match self {
            Val::Num(n) => num_to_str(*n),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }
    fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => match looks_numeric(s) {
                Some(n) => n != 0.0,
                None => !s.is_empty(),
            },
        }
    }
}

enum Flow {
    Return(Val),
    Next,
    Exit,
    Break,
    Continue,
    Error(String),
}

struct Interp<'c, 'a, 'b> {
    ctx: &'c mut Ctx<'a, 'b>,
    vars: BTreeMap<String, Val>,
    arrays: BTreeMap<String, BTreeMap<String, Val>>,
    fields: Vec<String>,
    record: String,
    nf: usize,
    out: String,
    steps: u64,
    exit_code: i32,
    regexes: BTreeMap<String, regex::Regex>,
    files: BTreeMap<String, String>,
    rand: u64,
    functions: BTreeMap<String, (Vec<String>, Vec<Stmt>)>,
    call_depth: u32,
}

type F<T> = Result<T, Flow>;

impl Interp<'_, '_, '_> {
    fn tick(&mut self) -> F<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(Flow::Error(format!("step budget exceeded ({MAX_STEPS} steps)")));
        }
        if self.out.len() > 16 << 20 {
            return Err(Flow::Error("output too large".to_string()));
        }
        Ok(())
    }

    fn var(&self, name: &str) -> Val {
        match name {
            "NF" => Val::Num(self.nf as f64),
            _ => self.vars.get(name).cloned().unwrap_or(Val::StrNum(String::new())),
        }
    }

    fn set_var(&mut self, name: &str, v: Val) -> F<()> {
        if name == "NF" {
            let n = v.num().max(0.0) as usize;
            if n > 100_000 {
                return Err(Flow::Error("NF too large".to_string()));
            }
            self.fields.resize(n, String::new());
            self.nf = n;
            self.rebuild();
            return Ok(());
        }
        if self.arrays.contains_key(name) {
            return Err(Flow::Error(format!("attempt to use array `{name}' in a scalar context")));
        }
        self.vars.insert(name.to_string(), v);
        Ok(())
    }

    fn regex(&mut self, src: &str) -> F<regex::Regex> {
        if let Some(re) = self.regexes.get(src) {
            return Ok(re.clone());
        }
        let re = compile_regex(&ere_fixup(src), false).map_err(|m| Flow::Error(format!("regular expression /{src}/: {m}")))?;
        if self.regexes.len() < 256 {
            self.regexes.insert(src.to_string(), re.clone());
        }
        Ok(re)
    }

    fn set_record(&mut self, text: &str) {
        self.record = text.to_string();
        self.split_record();
    }

    fn split_record(&mut self) {
        let fs = self.var("FS").string();
        self.fields = self.split(&self.record.clone(), &fs);
        self.nf = self.fields.len();
    }

    fn split(&mut self, text: &str, fs: &str) -> Vec<String> {
        if fs == " " {
            return text.split_whitespace().map(str::to_string).collect();
        }
        if text.is_empty() {
            return Vec::new();
        }
        if fs.chars().count() == 1 && fs != "\\"
            && (fs == "\t" || !".[]()*+?^$|\\{}".contains(fs)) {
                return text.split(fs).map(str::to_string).collect();
            }
        match self.regex(fs) {
            Ok(re) => re.split(text).map(str::to_string).collect(),
            Err(_) => vec![text.to_string()],
        }
    }

    fn rebuild(&mut self) {
        let ofs = self.var("OFS").string();
        self.record = self.fields.join(&ofs);
    }

    fn get_field(&self, i: usize) -> Val {
        if i == 0 {
            return Val::StrNum(self.record.clone());
        }
        Val::StrNum(self.fields.get(i - 1).cloned().unwrap_or_default())
    }

    fn set_field(&mut self, i: usize, v: String) -> F<()> {
        if i == 0 {
            self.set_record(&v);
            return Ok(());
        }
        if i > 100_000 {
            return Err(Flow::Error("field index too large".to_string()));
        }
        if i > self.fields.len() {
            self.fields.resize(i, String::new());
        }
        self.fields[i - 1] = v;
        self.nf = self.fields.len();
        self.rebuild();
        Ok(())
    }

    fn key(&mut self, idx: &[Expr]) -> F<String> {
        let subsep = self.var("SUBSEP").string();
        let mut parts = Vec::new();
        for e in idx {
            parts.push(self.eval(e)?.string());
        }
        Ok(parts.join(&subsep))
    }

    fn field_index(&mut self, e: &Expr) -> F<usize> {
        let n = self.eval(e)?.num();
        if n < 0.0 {
            return Err(Flow::Error(format!("trying to access out of range field {}", n as i64)));
        }
        Ok(n as usize)
    }

    fn assign_to(&mut self, target: &Expr, v: Val) -> F<()> {
        match target {
            Expr::Var(n) => self.set_var(n, v),
            Expr::Index(n, idx) => {
                let k = self.key(idx)?;
                if self.vars.contains_key(n) {
                    return Err(Flow::Error(format!("attempt to use scalar `{n}' as an array")));
                }
                self.arrays.entry(n.clone()).or_default().insert(k, v);
                Ok(())
            }
            Expr::Field(e) => {
                let i = self.field_index(e)?;
                self.set_field(i, v.string())
            }
            Expr::Group(e) => self.assign_to(e, v),
            _ => Err(Flow::Error("assignment to non-variable".to_string())),
        }
    }

    fn eval(&mut self, e: &Expr) -> F<Val> {
        self.tick()?;
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Regex(r) => {
                let re = self.regex(r)?;
                Val::Num(re.is_match(&self.record) as i32 as f64)
            }
            Expr::Field(i) => {
                let i = self.field_index(i)?;
                self.get_field(i)
            }
            Expr::Var(n) => self.var(n),
            Expr::Index(n, idx) => {
                let k = self.key(idx)?;
                if self.vars.contains_key(n) {
                    return Err(Flow::Error(format!("attempt to use scalar `{n}' as an array")));
                }
                self.arrays.entry(n.clone()).or_default().entry(k).or_insert(Val::StrNum(String::new())).clone()
            }
            Expr::Assign(op, target, value) => {
                let v = self.eval(value)?;
                let v = if *op == "=" {
                    v
                } else {
                    let old = self.eval(target)?.num();
                    Val::Num(arith(&op[..1], old, v.num()).map_err(Flow::Error)?)
                };
                self.assign_to(target, v.clone())?;
                v
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::Bin(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                match *op {
                    "<" | "<=" | ">" | ">=" | "==" | "!=" => {
                        let ord = compare(&x, &y);
                        let r = match *op {
                            "<" => ord.is_lt(),
                            "<=" => ord.is_le(),
                            ">" => ord.is_gt(),
                            ">=" => ord.is_ge(),
                            "==" => ord.is_eq(),
                            _ => ord.is_ne(),
                        };
                        Val::Num(r as i32 as f64)
                    }
                    _ => Val::Num(arith(op, x.num(), y.num()).map_err(Flow::Error)?),
                }
            }
            Expr::Match(neg, a, b) => {
                let s = self.eval(a)?.string();
                let re = match &**b {
                    Expr::Regex(r) => self.regex(r)?,
                    other => {
                        let src = self.eval(other)?.string();
                        self.regex(&src)?
                    }
                };
                Val::Num((re.is_match(&s) != *neg) as i32 as f64)
            }
            Expr::Concat(a, b) => {
                let mut s = self.eval(a)?.string();
                s.push_str(&self.eval(b)?.string());
                if s.len() > 16 << 20 {
                    return Err(Flow::Error("string too long".to_string()));
                }
                Val::Str(s)
            }
            Expr::And(a, b) => Val::Num((self.eval(a)?.truthy() && self.eval(b)?.truthy()) as i32 as f64),
            Expr::Or(a, b) => Val::Num((self.eval(a)?.truthy() || self.eval(b)?.truthy()) as i32 as f64),
            Expr::Not(a) => Val::Num(!self.eval(a)?.truthy() as i32 as f64),
            Expr::Neg(a) => Val::Num(-self.eval(a)?.num()),
            Expr::Plus(a) => Val::Num(self.eval(a)?.num()),
            Expr::Group(a) => self.eval(a)?,
            Expr::In(idx, a) => {
                let k = self.key(idx)?;
                Val::Num(self.arrays.get(a).is_some_and(|m| m.contains_key(&k)) as i32 as f64)
            }
            Expr::IncDec { pre, delta, target } => {
                let old = self.eval(target)?.num();
                let new = old + delta;
                self.assign_to(target, Val::Num(new))?;
                Val::Num(if *pre { new } else { old })
            }
            Expr::Call(name, args) => self.call(name, args)?,
            Expr::UserCall(name, args) => self.user_call(name, args)?,
        })
    }

    /// Calls a function of the program: scalars by value, arrays by reference (the
    /// array is lent to the parameter and given back), extra parameters are locals.
    fn user_call(&mut self, name: &str, args: &[Expr]) -> F<Val> {
        let Some((params, body)) = self.functions.get(name).cloned() else {
            return Err(Flow::Error(format!("function `{name}' not defined")));
        };
        if args.len() > params.len() {
            return Err(Flow::Error(format!("function `{name}' called with more arguments than declared")));
        }
        if self.call_depth >= 200 {
            return Err(Flow::Error("function call nesting too deep".to_string()));
        }
        // Arguments are evaluated in the caller's scope.
        enum Arg {
            Scalar(Val),
            Array(String),
        }
        let mut values = Vec::new();
        for a in args {
            match a {
                // An array, or a variable not used yet (the function may make it one).
                Expr::Var(n) if self.arrays.contains_key(n) || (!self.vars.contains_key(n) && n != "NF") => values.push(Arg::Array(n.clone())),
                e => values.push(Arg::Scalar(self.eval(e)?)),
            }
        }
        let saved: Vec<(String, Option<Val>, Option<BTreeMap<String, Val>>)> = params.iter().map(|p| (p.clone(), self.vars.remove(p), self.arrays.remove(p))).collect();
        let mut lent = Vec::new();
        for (k, p) in params.iter().enumerate() {
            match values.get_mut(k) {
                Some(Arg::Scalar(v)) => {
                    self.vars.insert(p.clone(), v.clone());
                }
                Some(Arg::Array(src)) => {
                    let array = if src == p { saved[k].2.clone() } else { self.arrays.remove(src.as_str()) };
                    if let Some(array) = array {
                        self.arrays.insert(p.clone(), array);
                    }
                    lent.push((src.clone(), p.clone()));
                }
                None => {}
            }
        }
        self.call_depth += 1;
        let r = self.exec_block(&body);
        self.call_depth -= 1;
        let result = match r {
            Ok(()) => Ok(Val::StrNum(String::new())),
            Err(Flow::Return(v)) => Ok(v),
            Err(other) => Err(other),
        };
        let mut returned = Vec::new();
        for (src, p) in &lent {
            if let Some(array) = self.arrays.remove(p) {
                returned.push((src.clone(), array));
            }
        }
        for (p, var, array) in saved {
            self.vars.remove(&p);
            self.arrays.remove(&p);
            if let Some(v) = var {
                self.vars.insert(p.clone(), v);
            }
            if let Some(a) = array {
                self.arrays.insert(p, a);
            }
        }
        for (src, array) in returned {
            self.arrays.insert(src, array);
        }
        result
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> F<Val> {
        let arg = |s: &mut Self, i: usize| -> F<Val> {
            match args.get(i) {
                Some(e) => s.eval(e),
                None => Ok(Val::StrNum(String::new())),
            }
        };
        Ok(match name {
            "length" => {
                if let Some(Expr::Var(n)) = args.first() {
                    if let Some(a) = self.arrays.get(n) {
                        return Ok(Val::Num(a.len() as f64));
                    }
                }
                let s = if args.is_empty() { self.record.clone() } else { arg(self, 0)?.string() };
                Val::Num(s.chars().count() as f64)
            }
            "substr" => {
                let s: Vec<char> = arg(self, 0)?.string().chars().collect();
                let m = arg(self, 1)?.num().round();
                let n = if args.len() > 2 { arg(self, 2)?.num().round() } else { f64::INFINITY };
                let start = m.max(1.0);
                let end = (m + n).min(s.len() as f64 + 1.0);
                if end <= start {
                    Val::Str(String::new())
                } else {
                    Val::Str(s[(start as usize - 1)..(end as usize - 1)].iter().collect())
                }
            }
            "index" => {
                let s = arg(self, 0)?.string();
                let t = arg(self, 1)?.string();
                Val::Num(s.find(&t).map(|i| s[..i].chars().count() + 1).unwrap_or(0) as f64)
            }
            "split" => {
                let s = arg(self, 0)?.string();
                let Some(Expr::Var(a)) = args.get(1) else { return Err(Flow::Error("split: second argument is not an array".into())) };
                let parts = match args.get(2) {
                    Some(Expr::Regex(r)) => {
                        let re = self.regex(r)?;
                        if s.is_empty() {
                            Vec::new()
                        } else {
                            re.split(&s).map(str::to_string).collect()
                        }
                    }
                    Some(e) => {
                        let fs = self.eval(e)?.string();
                        self.split(&s, &fs)
                    }
                    None => {
                        let fs = self.var("FS").string();
                        self.split(&s, &fs)
                    }
                };
                let mut map = BTreeMap::new();
                for (i, p) in parts.iter().enumerate() {
                    map.insert((i + 1).to_string(), Val::StrNum(p.clone()));
                }
                self.vars.remove(a);
                self.arrays.insert(a.clone(), map);
                Val::Num(parts.len() as f64)
            }
            "sub" | "gsub" => {
                let re = match args.first() {
                    Some(Expr::Regex(r)) => self.regex(r)?,
                    Some(e) => {
                        let src = self.eval(e)?.string();
                        self.regex(&src)?
                    }
                    None => return Err(Flow::Error(format!("{name}: not enough arguments"))),
                };
                let rep = arg(self, 1)?.string();
                let target = args.get(2).cloned().unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let s = self.eval(&target)?.string();
                let mut out = String::new();
                let mut last = 0;
                let mut n = 0;
                for m in re.find_iter(&s) {
                    out.push_str(&s[last..m.start()]);
                    let mut chars = rep.chars().peekable();
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' if chars.peek() == Some(&'&') => {
                                out.push('&');
                                chars.next();
                            }
                            '&' => out.push_str(m.as_str()),
                            c => out.push(c),
                        }
                    }
                    last = m.end();
                    n += 1;
                    if name == "sub" {
                        break;
                    }
                }
                if n > 0 {
                    out.push_str(&s[last..]);
                    self.assign_to(&target, Val::Str(out))?;
                }
                Val::Num(n as f64)
            }
            "match" => {
                let s = arg(self, 0)?.string();
                let re = match args.get(1) {
                    Some(Expr::Regex(r)) => self.regex(r)?,
                    Some(e) => {
                        let src = self.eval(e)?.string();
                        self.regex(&src)?
                    }
                    None => return Err(Flow::Error("match: not enough arguments".into())),
                };
                let (start, len) = match re.find(&s) {
                    Some(m) => (s[..m.start()].chars().count() as f64 + 1.0, m.as_str().chars().count() as f64),
                    None => (0.0, -1.0),
                };
                self.vars.insert("RSTART".into(), Val::Num(start));
                self.vars.insert("RLENGTH".into(), Val::Num(len));
                Val::Num(start)
            }
            "sprintf" => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                Val::Str(sprintf(&vals))
            }
            "tolower" => Val::Str(arg(self, 0)?.string().to_lowercase()),
            "toupper" => Val::Str(arg(self, 0)?.string().to_uppercase()),
            "int" => Val::Num(arg(self, 0)?.num().trunc()),
            "sqrt" => Val::Num(arg(self, 0)?.num().sqrt()),
            "exp" => Val::Num(arg(self, 0)?.num().exp()),
            "log" => Val::Num(arg(self, 0)?.num().ln()),
            "sin" => Val::Num(arg(self, 0)?.num().sin()),
            "cos" => Val::Num(arg(self, 0)?.num().cos()),
            "atan2" => {
                let y = arg(self, 0)?.num();
                Val::Num(y.atan2(arg(self, 1)?.num()))
            }
            "rand" => {
                // Deterministic, like awk's default seed.
                self.rand = self.rand.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                Val::Num((self.rand >> 11) as f64 / (1u64 << 53) as f64)
            }
            "srand" => {
                let seed = if args.is_empty() { 0.0 } else { arg(self, 0)?.num() };
                self.rand = seed as u64;
                Val::Num(0.0)
            }
            "system" => return Err(Flow::Error("system() is not supported here".into())),
            other => return Err(Flow::Error(format!("function `{other}' not defined"))),
        })
    }

    fn exec_block(&mut self, stmts: &[Stmt]) -> F<()> {
        for s in stmts {
            self.exec(s)?;
        }
        Ok(())
    }

    fn emit(&mut self, text: String, redirect: &Option<(bool, Expr)>) -> F<()> {
        match redirect {
            None => self.out.push_str(&text),
            Some((append, target)) => {
                let name = self.eval(target)?.string();
                if name == "/dev/stdout" || name == "-" {
                    self.out.push_str(&text);
                    return Ok(());
                }
                if name == "/dev/stderr" {
                    self.flush();
                    self.ctx.io.err(text);
                    return Ok(());
                }
                let path = self.ctx.resolve(&name);
                let first = !self.files.contains_key(&path);
                let buf = self.files.entry(path.clone()).or_default();
                if first && *append {
                    if let Ok(old) = self.ctx.io.vfs.read(&path) {
                        buf.push_str(&String::from_utf8_lossy(old));
                    }
                }
                buf.push_str(&text);
            }
        }
        Ok(())
    }

    fn flush(&mut self) {
        let out = std::mem::take(&mut self.out);
        if !out.is_empty() {
            self.ctx.out(out);
        }
    }

    fn exec(&mut self, s: &Stmt) -> F<()> {
        self.tick()?;
        match s {
            Stmt::Print(args, redirect) => {
                let line = if args.is_empty() {
                    self.record.clone()
                } else {
                    let ofs = self.var("OFS").string();
                    let mut parts = Vec::new();
                    for a in args {
                        let v = self.eval(a)?;
                        parts.push(match v {
                            Val::Num(n) if n != n.trunc() => {
                                let fmt = self.var("OFMT").string();
                                sprintf(&[Val::Str(fmt), Val::Num(n)])
                            }
                            v => v.string(),
                        });
                    }
                    parts.join(&ofs)
                };
                let ors = self.var("ORS").string();
                self.emit(format!("{line}{ors}"), redirect)?;
            }
            Stmt::Printf(args, redirect) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let text = sprintf(&vals);
                self.emit(text, redirect)?;
            }
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.exec(a)?;
                } else if let Some(b) = b {
                    self.exec(b)?;
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    match self.exec(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Stmt::Do(body, c) => loop {
                match self.exec(body) {
                    Err(Flow::Break) => break,
                    Err(Flow::Continue) | Ok(()) => {}
                    Err(e) => return Err(e),
                }
                if !self.eval(c)?.truthy() {
                    break;
                }
            },
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.eval(i)?;
                }
                loop {
                    if let Some(c) = cond {
                        if !self.eval(c)?.truthy() {
                            break;
                        }
                    } else {
                        self.tick()?;
                    }
                    match self.exec(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                    if let Some(s) = step {
                        self.eval(s)?;
                    }
                }
            }
            Stmt::ForIn(v, a, body) => {
                let keys: Vec<String> = self.arrays.get(a).map(|m| m.keys().cloned().collect()).unwrap_or_default();
                for k in keys {
                    self.set_var(v, Val::StrNum(k))?;
                    match self.exec(body) {
                        Err(Flow::Break) => break,
                        Err(Flow::Continue) | Ok(()) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Stmt::Block(b) => self.exec_block(b)?,
            Stmt::Next => return Err(Flow::Next),
            Stmt::Exit(e) => {
                if let Some(e) = e {
                    self.exit_code = self.eval(e)?.num() as i32;
                }
                return Err(Flow::Exit);
            }
            Stmt::Break => return Err(Flow::Break),
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Val::StrNum(String::new()),
                };
                return Err(Flow::Return(v));
            }
            Stmt::Continue => return Err(Flow::Continue),
            Stmt::Delete(a, idx) => match idx {
                None => {
                    self.arrays.remove(a);
                }
                Some(idx) => {
                    let k = self.key(idx)?;
                    if let Some(m) = self.arrays.get_mut(a) {
                        m.remove(&k);
                    }
                }
            },
        }
        Ok(())
    }
}

fn arith(op: &str, a: f64, b: f64) -> Result<f64, String> {
    Ok(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => {
            if b == 0.0 {
                return Err("division by zero".to_string());
            }
            a / b
        }
        "%" => {
            if b == 0.0 {
                return Err("division by zero in %".to_string());
            }
            a % b
        }
        _ => a.powf(b),
    })
}

fn compare(x: &Val, y: &Val) -> std::cmp::Ordering {
    let numeric = |v: &Val| match v {
        Val::Num(n) => Some(*n),
        Val::StrNum(s) => looks_numeric(s).or(if s.trim().is_empty() { Some(0.0) } else { None }),
        Val::Str(_) => None,
    };
    // An uninitialised value compared with a string compares as the empty string.
    let is_str = |v: &Val| matches!(v, Val::Str(_));
    match (numeric(x), numeric(y)) {
        (Some(a), Some(b)) if !is_str(x) && !is_str(y) => a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal),
        _ => x.string().cmp(&y.string()),
    }
}

/// awk's printf: the first value is the format.
fn sprintf(vals: &[Val]) -> String {
    let Some(fmt) = vals.first() else { return String::new() };
    let fmt: Vec<char> = fmt.string().chars().collect();
    let mut out = String::new();
    let mut next = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        if fmt.get(i + 1) == Some(&'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let (spec, after) = parse_spec(&fmt, i + 1, &mut || {
            let v = vals.get(next).map(Val::num).unwrap_or(0.0) as i64;
            next += 1;
            v
        });
        i = after;
        let v = vals.get(next).cloned().unwrap_or(Val::StrNum(String::new()));
        next += 1;
        match spec.conv {
            's' => {
                let s = v.string();
                let s = match spec.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                out.push_str(&pad(&spec, s, false));
            }
            'c' => {
                let s = match v {
                    Val::Num(n) => char::from_u32(n as u32).map(String::from).unwrap_or_default(),
                    other => other.string().chars().next().map(String::from).unwrap_or_default(),
                };
                out.push_str(&pad(&spec, s, false));
            }
            'd' | 'i' | 'o' | 'x' | 'X' | 'u' => out.push_str(&format_int(&spec, v.num() as i64)),
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => out.push_str(&format_float(&spec, v.num())),
            _ => {
                out.push('%');
                next -= 1;
            }
        }
        if out.len() > 16 << 20 {
            break;
        }
    }
    out
}

pub(crate) fn awk(ctx: &mut Ctx) -> i32 {
    let args = ctx.args.to_vec();
    let mut fs: Option<String> = None;
    let mut assigns: Vec<(String, String)> = Vec::new();
    let mut program: Option<String> = None;
    let mut files: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if program.is_none() {
            if a == "-F" {
                fs = args.get(i).cloned();
                i += 1;
                continue;
            }
            if let Some(f) = a.strip_prefix("-F") {
                fs = Some(f.to_string());
                continue;
            }
            if a == "-v" {
                if let Some((k, v)) = args.get(i).and_then(|s| s.split_once('=')) {
                    assigns.push((k.to_string(), unescape(v, Escapes::Printf).0));
                }
                i += 1;
                continue;
            }
            if a == "--" {
                continue;
            }
            if a == "-f" {
                let name = args.get(i).cloned().unwrap_or_default();
                i += 1;
                match ctx.read_input(&name) {
                    Some(d) => program = Some(String::from_utf8_lossy(&d).into_owned()),
                    None => return 2,
                }
                continue;
            }
            if a.starts_with('-') && a.len() > 1 {
                ctx.err(&format!("not an option: {a}"));
                return 2;
            }
            program = Some(a.clone());
            continue;
        }
        files.push(a.clone());
    }
    let Some(src) = program else {
        ctx.io.err("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n");
        return 2;
    };
    let toks = match lex(&src) {
        Ok(t) => t,
        Err(m) => {
            ctx.err(&format!("cmd. line:1: {m}"));
            return 2;
        }
    };
    let function_names: Vec<String> = toks
        .windows(2)
        .filter_map(|w| match (&w[0], &w[1]) {
            (Tok::Kw("function"), Tok::Name(n)) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let mut p = P { toks, pos: 0, depth: 0, no_gt: false, no_in: false, function_names };
    let prog = match p.program() {
        Ok(p) => p,
        Err(m) => {
            ctx.err(&format!("cmd. line:1: {m}"));
            return 2;
        }
    };
    let mut it = Interp {
        ctx,
        vars: BTreeMap::new(),
        arrays: BTreeMap::new(),
        fields: Vec::new(),
        record: String::new(),
        nf: 0,
        out: String::new(),
        steps: 0,
        exit_code: 0,
        regexes: BTreeMap::new(),
        files: BTreeMap::new(),
        rand: 0,
        functions: prog.functions.clone(),
        call_depth: 0,
    };
    let fs = fs.map(|f| if f == "t" { "\t".to_string() } else { unescape(&f, Escapes::Printf).0 }).unwrap_or_else(|| " ".to_string());
    for (k, v) in [("FS", fs.as_str()), ("OFS", " "), ("ORS", "\n"), ("RS", "\n"), ("SUBSEP", "\x1c"), ("OFMT", "%.6g"), ("CONVFMT", "%.6g")] {
        it.vars.insert(k.to_string(), Val::Str(v.to_string()));
    }
    it.vars.insert("NR".into(), Val::Num(0.0));
    it.vars.insert("FNR".into(), Val::Num(0.0));
    let env: BTreeMap<String, Val> = it.ctx.io.env.iter().map(|(k, v)| (k.clone(), Val::StrNum(v.clone()))).collect();
    it.arrays.insert("ENVIRON".into(), env);
    for (k, v) in assigns {
        it.vars.insert(k, Val::StrNum(v));
    }
    let mut error: Option<String> = None;
    let mut exited = false;
    match it.exec_block(&prog.begin) {
        Err(Flow::Exit) => exited = true,
        Err(Flow::Error(m)) => error = Some(m),
        _ => {}
    }
    let needs_input = !prog.rules.is_empty() || !prog.end.is_empty();
    if !exited && error.is_none() && needs_input {
        let inputs: Vec<String> = if files.is_empty() { vec!["-".to_string()] } else { files.clone() };
        let mut in_range = vec![false; prog.rules.len()];
        'files: for f in inputs {
            if let Some((k, v)) = f.split_once('=') {
                if crate::parse::is_name(k) {
                    it.vars.insert(k.to_string(), Val::StrNum(v.to_string()));
                    continue;
                }
            }
            let Some(data) = it.ctx.read_input(&f) else {
                it.exit_code = 2;
                continue;
            };
            it.vars.insert("FILENAME".into(), Val::Str(if f == "-" { String::new() } else { f.clone() }));
            it.vars.insert("FNR".into(), Val::Num(0.0));
            for line in super::lines(&data) {
                let nr = it.var("NR").num() + 1.0;
                it.vars.insert("NR".into(), Val::Num(nr));
                let fnr = it.var("FNR").num() + 1.0;
                it.vars.insert("FNR".into(), Val::Num(fnr));
                it.set_record(&line);
                for (k, (pat, action)) in prog.rules.iter().enumerate() {
                    let hit = match pat {
                        Pattern::All => Ok(true),
                        Pattern::Expr(e) => it.eval(e).map(|v| v.truthy()),
                        Pattern::Range(a, b) => {
                            if in_range[k] {
                                it.eval(b).map(|v| {
                                    if v.truthy() {
                                        in_range[k] = false;
                                    }
                                    true
                                })
                            } else {
                                match it.eval(a) {
                                    Ok(v) if v.truthy() => it.eval(b).map(|end| {
                                        in_range[k] = !end.truthy();
                                        true
                                    }),
                                    Ok(_) => Ok(false),
                                    Err(e) => Err(e),
                                }
                            }
                        }
                    };
                    let r = match hit {
                        Ok(true) => match action {
                            Some(stmts) => it.exec_block(stmts),
                            None => {
                                let ors = it.var("ORS").string();
                                let rec = it.record.clone();
                                it.out.push_str(&rec);
                                it.out.push_str(&ors);
                                Ok(())
                            }
                        },
                        Ok(false) => Ok(()),
                        Err(e) => Err(e),
                    };
                    match r {
                        Ok(()) | Err(Flow::Break) | Err(Flow::Continue) | Err(Flow::Return(_)) => {}
                        Err(Flow::Next) => break,
                        Err(Flow::Exit) => {
                            exited = true;
                            break 'files;
                        }
                        Err(Flow::Error(m)) => {
                            error = Some(m);
                            break 'files;
                        }
                    }
                }
            }
        }
    }
    let _ = exited;
    if error.is_none() {
        if let Err(Flow::Error(m)) = it.exec_block(&prog.end) { error = Some(m) }
    }
    it.flush();
    for (path, text) in std::mem::take(&mut it.files) {
        if let Err(e) = it.ctx.io.vfs.write(&path, text.into_bytes()) {
            it.ctx.err(&format!("{path}: {e}"));
        }
    }
    if let Some(m) = error {
        it.ctx.err(&format!("cmd. line:1: fatal: {m}"));
        return 2;
    }
    it.exit_code
}
