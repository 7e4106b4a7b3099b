//! The parser: source text to [`List`]s, one complete command line at a time.
//!
//! A hand-written recursive-descent parser over characters; the lexer is driven by the
//! parser because bash's tokens depend on context (reserved words only where a command
//! starts, `$(...)` holding a whole program, here-document bodies following the line).
//! Nesting is bounded by [`MAX_DEPTH`], so no input can overflow the stack.

use crate::ast::*;
use std::sync::Arc;

/// How deep compound commands, substitutions and `[[ ]]` groups may nest.
pub(crate) const MAX_DEPTH: u32 = 64;

/// How much stack one parse may use (see `interp::STACK_BUDGET`).
const PARSE_STACK_BUDGET: usize = 256 << 10;

/// A syntax error, worded as bash words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    #[error("syntax error near unexpected token `{0}'")]
    Unexpected(String),
    #[error("syntax error: unexpected end of file")]
    Eof,
    #[error("unexpected EOF while looking for matching `{0}'")]
    Unmatched(char),
    #[error("syntax error in conditional expression")]
    Conditional,
    #[error("`{0}': not a valid identifier")]
    Identifier(String),
    #[error("maximum nesting depth exceeded ({MAX_DEPTH})")]
    TooDeep,
}

impl SyntaxError {
    /// True when more input could complete the command (the terminal then asks for
    /// another line).
    pub fn is_incomplete(&self) -> bool {
        matches!(self, SyntaxError::Eof | SyntaxError::Unmatched(_))
    }
}

/// A syntax error with the line it was found on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub error: SyntaxError,
    pub line: u32,
}

#[derive(Debug, Clone)]
enum Tok {
    Word(Word),
    Op(&'static str),
    Redir(Option<u32>, RedirOp, &'static str),
    Newline,
    Eof,
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Word(w) => w.raw.clone(),
            Tok::Op(op) => op.to_string(),
            Tok::Redir(_, _, s) => s.to_string(),
            Tok::Newline => "newline".to_string(),
            Tok::Eof => String::new(),
        }
    }
}

const RESERVED: &[&str] =
    &["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "{", "}", "!", "[[", "function"];

/// Words that end a list: the list parser stops in front of them.
#[derive(Clone, Copy, Default)]
struct Enders<'a> {
    words: &'a [&'a str],
    paren: bool,
    case_arm: bool,
}

pub(crate) struct Parser {
    chars: Vec<char>,
    pos: usize,
    peeked: Option<Tok>,
    /// Where the stack was when parsing started.
    stack_base: usize,
    /// Where the peeked token starts.
    peek_start: usize,
    /// Where the last taken token ended.
    last_end: usize,
    depth: u32,
    /// A here-document ran to the end of the input without its delimiter.
    pub heredoc_incomplete: bool,
    /// The line (1-based) where the last command line returned by `next_line` starts.
    pub start_line: u32,
}

type PResult<T> = Result<T, SyntaxError>;

/// True when `source` is a whole command: no open quote, here-document, compound
/// command, or trailing `|`, `&&`, `||`, `\`.
pub fn is_complete(source: &str) -> bool {
    let mut parser = Parser::new(source, 0);
    loop {
        match parser.next_line() {
            Ok(Some(_)) => continue,
            Ok(None) => return !parser.heredoc_incomplete,
            Err(e) => return !e.error.is_incomplete(),
        }
    }
}

/// True when `source` is one simple command that runs in the terminal's foreground:
/// no pipeline, list, `&`, redirection, compound command or command substitution
/// (`kubectl get pods -w`, `k logs -f web`). Such a command may keep the terminal
/// until it is interrupted, as it would in a real terminal.
pub fn is_simple_foreground(source: &str) -> bool {
    use crate::ast::{Command, Part};
    let mut parser = Parser::new(source, 0);
    let Ok(Some(list)) = parser.next_line() else { return false };
    if !matches!(parser.next_line(), Ok(None)) || list.items.len() != 1 {
        return false;
    }
    let item = &list.items[0];
    if item.background || !item.and_or.rest.is_empty() || item.and_or.first.negate || item.and_or.first.commands.len() != 1 {
        return false;
    }
    fn plain(parts: &[Part]) -> bool {
        parts.iter().all(|p| match p {
            Part::Lit(_) | Part::Quoted(_) | Part::Param(_) => true,
            Part::Double(inner) => plain(inner),
            Part::Command(_) | Part::Arith(_) | Part::ProcSubst(_) => false,
        })
    }
    match &item.and_or.first.commands[0] {
        Command::Simple(s) => s.redirects.is_empty() && !s.words.is_empty() && s.words.iter().all(|w| plain(&w.parts)) && s.assigns.iter().all(|a| plain(&a.value.parts)),
        _ => false,
    }
}

impl Parser {
    pub fn new(source: &str, depth: u32) -> Parser {
        Parser { chars: source.chars().collect(), pos: 0, peeked: None, stack_base: crate::interp::stack_position(), peek_start: 0, last_end: 0, depth, heredoc_incomplete: false, start_line: 1 }
    }

    /// Parses the next complete command line; `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<List>, ParseError> {
        let result = self.next_line_inner();
        result.map_err(|error| ParseError { error, line: self.line() })
    }

    fn line(&self) -> u32 {
        1 + self.chars[..self.pos.min(self.chars.len())].iter().filter(|c| **c == '\n').count() as u32
    }

    fn next_line_inner(&mut self) -> PResult<Option<List>> {
        loop {
            match self.peek()? {
                Tok::Newline => {
                    self.bump();
                }
                Tok::Eof => return Ok(None),
                _ => break,
            }
        }
        let start = self.peek_start.min(self.chars.len());
        self.start_line = 1 + self.chars[..start].iter().filter(|c| **c == '\n').count() as u32;
        let mut list = List::default();
        loop {
            let from = self.peek_start;
            let and_or = self.parse_and_or()?;
            let text = self.text_since(from);
            match self.peek()? {
                Tok::Op(";") | Tok::Op("&") => {
                    let background = matches!(self.next_tok()?, Tok::Op("&"));
                    list.items.push(Item { and_or, background, text });
                    if matches!(self.peek()?, Tok::Newline | Tok::Eof) {
                        break;
                    }
                }
                Tok::Newline | Tok::Eof => {
                    list.items.push(Item { and_or, background: false, text });
                    break;
                }
                other => return Err(SyntaxError::Unexpected(other.text())),
            }
        }
        if matches!(self.peek()?, Tok::Newline) {
            self.bump();
        }
        Ok(Some(list))
    }

    /// Parses all of the input (for command substitutions and function bodies given as text).
    pub fn parse_all(&mut self) -> Result<List, ParseError> {
        let mut all = List::default();
        while let Some(list) = self.next_line()? {
            all.items.extend(list.items);
        }
        Ok(all)
    }

    // ----- tokens -----

    fn peek(&mut self) -> PResult<&Tok> {
        if self.peeked.is_none() {
            self.skip_blanks();
            let start = self.pos;
            let tok = self.lex()?;
            self.peek_start = start;
            self.peeked = Some(tok);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    /// Takes the peeked token (callers peek first).
    fn bump(&mut self) -> Tok {
        match self.peeked.take() {
            Some(tok) => {
                self.last_end = self.pos;
                tok
            }
            None => Tok::Eof,
        }
    }

    /// The next token, lexing it if nothing was peeked.
    fn next_tok(&mut self) -> PResult<Tok> {
        self.peek()?;
        Ok(self.bump())
    }

    fn ch(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.ch(i) == Some(c))
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.ch(0) {
                Some(' ') | Some('\t') | Some('\r') => self.pos += 1,
                Some('\\') if self.ch(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while let Some(c) = self.ch(0) {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn lex(&mut self) -> PResult<Tok> {
        self.skip_blanks();
        let Some(c) = self.ch(0) else { return Ok(Tok::Eof) };
        if c == '\n' {
            self.pos += 1;
            return Ok(Tok::Newline);
        }
        const OPS: &[(&str, Option<RedirOp>)] = &[
            ("&>>", Some(RedirOp::AppendOutErr)),
            ("<<<", Some(RedirOp::HereString)),
            ("<<-", Some(RedirOp::HereDoc)),
            (";;&", None),
            ("&&", None),
            ("||", None),
            (";;", None),
            (";&", None),
            ("|&", None),
            ("<<", Some(RedirOp::HereDoc)),
            (">>", Some(RedirOp::Append)),
            (">|", Some(RedirOp::Out)),
            ("<&", Some(RedirOp::DupIn)),
            (">&", Some(RedirOp::DupOut)),
            ("&>", Some(RedirOp::OutErr)),
            ("<>", Some(RedirOp::ReadWrite)),
            (";", None),
            ("&", None),
            ("|", None),
            ("(", None),
            (")", None),
            ("<", Some(RedirOp::In)),
            (">", Some(RedirOp::Out)),
        ];
        // A file descriptor number directly before a redirection: `2>`.
        if c.is_ascii_digit() {
            let mut n = 0;
            while self.ch(n).is_some_and(|c| c.is_ascii_digit()) {
                n += 1;
            }
            if matches!(self.ch(n), Some('<') | Some('>')) && n <= 4 {
                let fd: u32 = self.chars[self.pos..self.pos + n].iter().collect::<String>().parse().unwrap_or(0);
                self.pos += n;
                for (text, op) in OPS {
                    if let Some(op) = op {
                        if self.starts_with(text) && !text.starts_with('&') {
                            self.pos += text.chars().count();
                            return Ok(Tok::Redir(Some(fd), *op, text));
                        }
                    }
                }
            }
        }
        if self.at_proc_subst() {
            return Ok(Tok::Word(self.read_word()?));
        }
        for (text, op) in OPS {
            if self.starts_with(text) {
                self.pos += text.chars().count();
                return Ok(match op {
                    Some(op) => Tok::Redir(None, *op, text),
                    None => Tok::Op(text),
                });
            }
        }
        Ok(Tok::Word(self.read_word()?))
    }

    fn at_proc_subst(&self) -> bool {
        self.ch(0) == Some('<') && self.ch(1) == Some('(')
    }

    fn is_meta(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>')
    }

    fn read_word(&mut self) -> PResult<Word> {
        let start = self.pos;
        let parts = self.read_parts(Mode::Unquoted, &|p: &Parser| p.ch(0).is_none_or(Parser::is_meta) && !p.at_proc_subst())?;
        let raw: String = self.chars[start..self.pos].iter().collect();
        Ok(Word { parts, raw })
    }

    // ----- words -----

    fn read_parts(&mut self, mode: Mode, stop: &dyn Fn(&Parser) -> bool) -> PResult<Vec<Part>> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        fn flush(parts: &mut Vec<Part>, lit: &mut String) {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        }
        loop {
            if mode != Mode::HereDoc && stop(self) {
                break;
            }
            let Some(c) = self.ch(0) else {
                if mode == Mode::Double {
                    return Err(SyntaxError::Unmatched('"'));
                }
                break;
            };
            match c {
                '\'' if mode == Mode::Unquoted => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.ch(0) {
                            None => return Err(SyntaxError::Unmatched('\'')),
                            Some('\'') => break,
                            Some(c) => s.push(c),
                        }
                        self.pos += 1;
                    }
                    self.pos += 1;
                    parts.push(Part::Quoted(s));
                }
                '"' if mode == Mode::Unquoted => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    let inner = self.read_parts(Mode::Double, &|p: &Parser| p.ch(0) == Some('"'))?;
                    self.pos += 1;
                    parts.push(Part::Double(inner));
                }
                '\\' => {
                    let next = self.ch(1);
                    match (mode, next) {
                        (_, Some('\n')) => self.pos += 2,
                        (_, None) => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                        (Mode::Unquoted, Some(n)) => {
                            flush(&mut parts, &mut lit);
                            parts.push(Part::Quoted(n.to_string()));
                            self.pos += 2;
                        }
                        (Mode::Double, Some(n)) if matches!(n, '$' | '`' | '"' | '\\') => {
                            flush(&mut parts, &mut lit);
                            parts.push(Part::Quoted(n.to_string()));
                            self.pos += 2;
                        }
                        (Mode::HereDoc, Some(n)) if matches!(n, '$' | '`' | '\\') => {
                            flush(&mut parts, &mut lit);
                            parts.push(Part::Quoted(n.to_string()));
                            self.pos += 2;
                        }
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                '$' => {
                    if let Some(part) = self.read_dollar(mode)? {
                        flush(&mut parts, &mut lit);
                        parts.push(part);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                '`' => {
                    flush(&mut parts, &mut lit);
                    parts.push(self.read_backquote()?);
                }
                '<' if mode == Mode::Unquoted && self.at_proc_subst() => {
                    flush(&mut parts, &mut lit);
                    self.pos += 2;
                    self.enter()?;
                    let part = self.read_command_subst();
                    self.depth -= 1;
                    match part? {
                        Part::Command(list) => parts.push(Part::ProcSubst(list)),
                        other => parts.push(other),
                    }
                }
                c => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut parts, &mut lit);
        Ok(parts)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH || crate::interp::stack_used(self.stack_base) > PARSE_STACK_BUDGET {
            return Err(SyntaxError::TooDeep);
        }
        Ok(())
    }

    /// Reads an expansion starting at `$`; `None` when the `$` is literal.
    fn read_dollar(&mut self, mode: Mode) -> PResult<Option<Part>> {
        let next = self.ch(1);
        match next {
            Some('{') => {
                self.pos += 2;
                self.enter()?;
                let part = self.read_brace_param();
                self.depth -= 1;
                part.map(Some)
            }
            Some('(') => {
                self.enter()?;
                let result = if self.ch(2) == Some('(') { self.try_arith() } else { None };
                let part = match result {
                    Some(r) => r,
                    None => {
                        self.pos += 2;
                        self.read_command_subst()
                    }
                };
                self.depth -= 1;
                part.map(Some)
            }
            Some('\'') if mode == Mode::Unquoted => {
                self.pos += 2;
                let mut raw = String::new();
                loop {
                    match self.ch(0) {
                        None => return Err(SyntaxError::Unmatched('\'')),
                        Some('\'') => break,
                        Some('\\') => {
                            raw.push('\\');
                            if let Some(n) = self.ch(1) {
                                raw.push(n);
                                self.pos += 1;
                            }
                        }
                        Some(c) => raw.push(c),
                    }
                    self.pos += 1;
                }
                self.pos += 1;
                Ok(Some(Part::Quoted(crate::programs::unescape(&raw, crate::programs::Escapes::Dollar).0)))
            }
            Some('"') if mode == Mode::Unquoted => {
                // `$"..."` is a translated string; without translations it is "...".
                self.pos += 2;
                let inner = self.read_parts(Mode::Double, &|p: &Parser| p.ch(0) == Some('"'))?;
                self.pos += 1;
                Ok(Some(Part::Double(inner)))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.pos += 1;
                let name = self.read_name();
                Ok(Some(Part::Param(Box::new(Param { name, op: ParamOp::Plain, index: None }))))
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '?' | '#' | '@' | '*' | '$' | '!' | '-') => {
                self.pos += 2;
                Ok(Some(Part::Param(Box::new(Param { name: c.to_string(), op: ParamOp::Plain, index: None }))))
            }
            _ => Ok(None),
        }
    }

    fn read_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.ch(0) {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    /// `$((...))` when the parentheses close as `))`; otherwise `None` (it is `$( (...) )`).
    fn try_arith(&mut self) -> Option<PResult<Part>> {
        let start = self.pos + 3;
        let end = self.find_arith_end(start)?;
        let text: String = self.chars[start..end].iter().collect();
        self.pos = end + 2;
        Some(self.sub_word(&text, Mode::HereDoc).map(|w| Part::Arith(Box::new(w))))
    }

    /// Finds the `))` closing an arithmetic expression that starts at `start`.
    fn find_arith_end(&self, start: usize) -> Option<usize> {
        let mut depth = 0i32;
        let mut i = start;
        while let Some(&c) = self.chars.get(i) {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    return if self.chars.get(i + 1) == Some(&')') { Some(i) } else { None };
                }
                ')' => depth -= 1,
                '\'' | '"' | '`' => {
                    // Quotes are rare in arithmetic; skip to the closing one.
                    i += 1;
                    while self.chars.get(i).is_some_and(|&q| q != c) {
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// Parses `text` as the inside of a double-quoted string or here-document.
    fn sub_word(&self, text: &str, mode: Mode) -> PResult<Word> {
        let mut sub = Parser::new(text, self.depth);
        let parts = sub.read_parts(mode, &|p: &Parser| p.ch(0).is_none())?;
        Ok(Word { parts, raw: text.to_string() })
    }

    fn read_command_subst(&mut self) -> PResult<Part> {
        let saved = self.peeked.take();
        let list = self.parse_list(Enders { paren: true, ..Enders::default() });
        let list = match list {
            Ok(list) => list,
            Err(e) => {
                self.peeked = saved;
                return Err(e);
            }
        };
        let result = match self.next_tok()? {
            Tok::Op(")") => Ok(Part::Command(Box::new(list))),
            Tok::Eof => Err(SyntaxError::Unmatched(')')),
            other => Err(SyntaxError::Unexpected(other.text())),
        };
        self.peeked = saved;
        result
    }

    fn read_backquote(&mut self) -> PResult<Part> {
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.ch(0) {
                None => return Err(SyntaxError::Unmatched('`')),
                Some('`') => break,
                Some('\\') if matches!(self.ch(1), Some('\\') | Some('`') | Some('$')) => {
                    text.push(self.ch(1).unwrap_or('\\'));
                    self.pos += 1;
                }
                Some(c) => text.push(c),
            }
            self.pos += 1;
        }
        self.pos += 1;
        self.enter()?;
        let mut sub = Parser::new(&text, self.depth);
        let list = sub.parse_all().map_err(|e| e.error);
        self.depth -= 1;
        Ok(Part::Command(Box::new(list?)))
    }

    fn read_brace_param(&mut self) -> PResult<Part> {
        let start = self.pos;
        // `${#name}` is a length, `${#}` the number of arguments.
        if self.ch(0) == Some('#') && self.ch(1) != Some('}') {
            self.pos += 1;
            let name = self.read_param_name();
            let index = if is_name(&name) { self.read_subscript()? } else { None };
            if !name.is_empty() && self.ch(0) == Some('}') {
                self.pos += 1;
                return Ok(Part::Param(Box::new(Param { name, op: ParamOp::Length, index })));
            }
            return self.bad_substitution(start);
        }
        let name = self.read_param_name();
        if name.is_empty() {
            return self.bad_substitution(start);
        }
        let index = if is_name(&name) { self.read_subscript()? } else { None };
        let param = |name: String, op: ParamOp| Ok(Part::Param(Box::new(Param { name, op, index: index.clone() })));
        let stop_brace = |p: &Parser| p.ch(0).is_none_or(|c| c == '}');
        let op = match self.ch(0) {
            Some('}') => {
                self.pos += 1;
                return param(name, ParamOp::Plain);
            }
            Some(':') if matches!(self.ch(1), Some('-') | Some('=') | Some('+') | Some('?')) => {
                let kind = self.ch(1).unwrap_or('-');
                self.pos += 2;
                let word = self.brace_word(&stop_brace)?;
                make_default(kind, true, word)
            }
            Some(c @ ('-' | '=' | '+' | '?')) => {
                self.pos += 1;
                let word = self.brace_word(&stop_brace)?;
                make_default(c, false, word)
            }
            Some(':') => {
                self.pos += 1;
                let offset = self.brace_word(&|p: &Parser| p.ch(0).is_none_or(|c| c == '}' || c == ':'))?;
                let length = if self.ch(0) == Some(':') {
                    self.pos += 1;
                    Some(self.brace_word(&stop_brace)?)
                } else {
                    None
                };
                ParamOp::Slice { offset, length }
            }
            Some(c @ ('#' | '%')) => {
                self.pos += 1;
                let longest = self.ch(0) == Some(c);
                if longest {
                    self.pos += 1;
                }
                let pattern = self.brace_word(&stop_brace)?;
                ParamOp::Trim { suffix: c == '%', longest, pattern }
            }
            Some('/') => {
                self.pos += 1;
                let mut all = false;
                let mut anchor = None;
                match self.ch(0) {
                    Some('/') => {
                        all = true;
                        self.pos += 1;
                    }
                    Some('#') => {
                        anchor = Some(true);
                        self.pos += 1;
                    }
                    Some('%') => {
                        anchor = Some(false);
                        self.pos += 1;
                    }
                    _ => {}
                }
                let pattern = self.brace_word(&|p: &Parser| p.ch(0).is_none_or(|c| c == '}' || c == '/'))?;
                let with = if self.ch(0) == Some('/') {
                    self.pos += 1;
                    self.brace_word(&stop_brace)?
                } else {
                    Word::default()
                };
                ParamOp::Replace { all, anchor, pattern, with }
            }
            Some(c @ ('^' | ',')) => {
                self.pos += 1;
                let all = self.ch(0) == Some(c);
                if all {
                    self.pos += 1;
                }
                ParamOp::Case { upper: c == '^', all }
            }
            _ => return self.bad_substitution(start),
        };
        match self.ch(0) {
            Some('}') => {
                self.pos += 1;
                param(name, op)
            }
            None => Err(SyntaxError::Unmatched('}')),
            _ => self.bad_substitution(start),
        }
    }

    /// `[index]` after a parameter name: `@` and `*` stay literal, anything else is an
    /// arithmetic word.
    fn read_subscript(&mut self) -> PResult<Option<Word>> {
        if self.ch(0) != Some('[') {
            return Ok(None);
        }
        let mut depth = 0;
        let mut i = self.pos;
        loop {
            match self.chars.get(i) {
                None => return Err(SyntaxError::Unmatched('}')),
                Some('[') => depth += 1,
                Some(']') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let text: String = self.chars[self.pos + 1..i].iter().collect();
        self.pos = i + 1;
        if text == "@" || text == "*" {
            return Ok(Some(Word { parts: vec![Part::Lit(text.clone())], raw: text }));
        }
        Ok(Some(self.sub_word(&text, Mode::HereDoc)?))
    }

    fn read_param_name(&mut self) -> String {
        match self.ch(0) {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.read_name(),
            Some(c) if c.is_ascii_digit() => {
                let mut name = String::new();
                while let Some(d) = self.ch(0).filter(char::is_ascii_digit) {
                    name.push(d);
                    self.pos += 1;
                }
                name
            }
            Some(c @ ('?' | '#' | '@' | '*' | '$' | '!' | '-')) => {
                self.pos += 1;
                c.to_string()
            }
            _ => String::new(),
        }
    }

    /// Skips to the closing brace and records the text for the runtime error.
    fn bad_substitution(&mut self, start: usize) -> PResult<Part> {
        let mut depth = 0;
        loop {
            match self.ch(0) {
                None => return Err(SyntaxError::Unmatched('}')),
                Some('{') => depth += 1,
                Some('}') if depth == 0 => break,
                Some('}') => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        let inner: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(Part::Param(Box::new(Param { name: String::new(), op: ParamOp::Bad(format!("${{{inner}}}")), index: None })))
    }

    fn brace_word(&mut self, stop: &dyn Fn(&Parser) -> bool) -> PResult<Word> {
        let start = self.pos;
        let parts = self.read_parts(Mode::Unquoted, &|p: &Parser| stop(p))?;
        if self.ch(0).is_none() {
            return Err(SyntaxError::Unmatched('}'));
        }
        Ok(Word { parts, raw: self.chars[start..self.pos].iter().collect() })
    }

    /// Reads the right-hand side of `=~` in `[[ ]]`: parentheses and `|` belong to the regex.
    fn read_regex_word(&mut self) -> PResult<Word> {
        self.skip_blanks();
        let start = self.pos;
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut depth = 0;
        while let Some(c) = self.ch(0) {
            if depth == 0 && matches!(c, ' ' | '\t' | '\n') {
                break;
            }
            if depth == 0 && self.starts_with("]]") && lit.is_empty() && parts.is_empty() {
                break;
            }
            match c {
                '(' => {
                    depth += 1;
                    lit.push(c);
                    self.pos += 1;
                }
                ')' => {
                    depth -= 1;
                    lit.push(c);
                    self.pos += 1;
                }
                '\'' | '"' | '$' | '\\' | '`' => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    let one = self.read_parts(Mode::Unquoted, &|p: &Parser| {
                        p.ch(0).is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '(' | ')' | '|') || p.starts_with("]]"))
                    })?;
                    parts.extend(one);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Word { parts, raw: self.chars[start..self.pos].iter().collect() })
    }

    // ----- here-documents -----

    /// Takes the body of a here-document out of the input: the lines after the end of
    /// the current line, up to the delimiter. Taking it out at once (rather than at the
    /// next newline token) lets several here-documents on one line follow each other.
    fn take_heredoc(&mut self, delim: &str, strip_tabs: bool, quoted: bool) -> PResult<Word> {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|&c| c != '\n') {
            i += 1;
        }
        if i >= self.chars.len() {
            self.heredoc_incomplete = true;
            return Ok(Word::default());
        }
        let body_start = i + 1;
        let mut j = body_start;
        let mut body = String::new();
        let mut found = false;
        while j < self.chars.len() {
            let mut line = String::new();
            while let Some(&c) = self.chars.get(j) {
                j += 1;
                if c == '\n' {
                    break;
                }
                line.push(c);
            }
            let line = if strip_tabs { line.trim_start_matches('\t').to_string() } else { line };
            // Text pasted with Windows line ends still closes the here-document.
            if line == delim || line.strip_suffix('\r') == Some(delim) {
                found = true;
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        if !found {
            self.heredoc_incomplete = true;
        }
        self.chars.drain(body_start..j.min(self.chars.len()));
        if quoted {
            return Ok(Word { parts: vec![Part::Quoted(body.clone())], raw: body });
        }
        self.sub_word(&body, Mode::HereDoc)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Unquoted,
    Double,
    HereDoc,
}

fn make_default(kind: char, colon: bool, word: Word) -> ParamOp {
    match kind {
        '-' => ParamOp::Default { colon, word },
        '=' => ParamOp::Assign { colon, word },
        '+' => ParamOp::Alt { colon, word },
        _ => ParamOp::Error { colon, word },
    }
}

/// True for a valid shell variable name.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ----- the grammar -----
impl Parser {
    fn reserved(tok: &Tok) -> Option<&'static str> {
        match tok {
            Tok::Word(w) => {
                let lit = w.literal()?;
                RESERVED.iter().copied().find(|r| *r == lit)
            }
            _ => None,
        }
    }

    fn skip_newlines(&mut self) -> PResult<()> {
        while matches!(self.peek()?, Tok::Newline) {
            self.bump();
        }
        Ok(())
    }

    fn at_ender(&mut self, enders: Enders) -> PResult<bool> {
        let tok = self.peek()?;
        Ok(match tok {
            Tok::Eof => true,
            Tok::Op(")") => enders.paren,
            Tok::Op(";;") | Tok::Op(";&") | Tok::Op(";;&") => enders.case_arm,
            t => Parser::reserved(t).is_some_and(|r| enders.words.contains(&r)),
        })
    }

    /// A compound list: and-or lists separated by `;`, `&` or newlines, up to an ender.
    fn parse_list(&mut self, enders: Enders) -> PResult<List> {
        let mut list = List::default();
        self.skip_newlines()?;
        while !self.at_ender(enders)? {
            let from = self.peek_start;
            let and_or = self.parse_and_or()?;
            let text = self.text_since(from);
            let mut background = false;
            match self.peek()? {
                Tok::Op(";") => {
                    self.bump();
                }
                Tok::Op("&") => {
                    self.bump();
                    background = true;
                }
                Tok::Newline => {}
                _ => {
                    list.items.push(Item { and_or, background, text });
                    if self.at_ender(enders)? {
                        break;
                    }
                    let tok = self.next_tok()?;
                    return Err(SyntaxError::Unexpected(tok.text()));
                }
            }
            list.items.push(Item { and_or, background, text });
            self.skip_newlines()?;
        }
        Ok(list)
    }

    /// Parses a non-empty list and the reserved word that must end it.
    fn parse_body(&mut self, words: &[&str]) -> PResult<(List, &'static str)> {
        let list = self.parse_list(Enders { words, ..Enders::default() })?;
        let tok = self.next_tok()?;
        match Parser::reserved(&tok) {
            Some(r) if words.contains(&r) => {
                if list.items.is_empty() {
                    return Err(SyntaxError::Unexpected(r.to_string()));
                }
                Ok((list, r))
            }
            _ => Err(match tok {
                Tok::Eof => SyntaxError::Eof,
                other => SyntaxError::Unexpected(other.text()),
            }),
        }
    }

    fn parse_and_or(&mut self) -> PResult<AndOr> {
        let first = self.parse_pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek()? {
                Tok::Op("&&") => Connector::And,
                Tok::Op("||") => Connector::Or,
                _ => break,
            };
            self.bump();
            self.skip_newlines()?;
            rest.push((connector, self.parse_pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn parse_pipeline(&mut self) -> PResult<Pipeline> {
        let mut negate = false;
        while Parser::reserved(self.peek()?) == Some("!") {
            self.bump();
            negate = !negate;
        }
        let mut commands = vec![self.parse_command()?];
        loop {
            let both = match self.peek()? {
                Tok::Op("|") => false,
                Tok::Op("|&") => true,
                _ => break,
            };
            self.bump();
            if both {
                // `a |& b` is `a 2>&1 | b`.
                let dup = Redirect { fd: Some(2), op: RedirOp::DupOut, target: lit_word("1") };
                match commands.last_mut() {
                    Some(Command::Simple(s)) => s.redirects.push(dup),
                    Some(Command::Compound(_, r)) => r.push(dup),
                    _ => {}
                }
            }
            self.skip_newlines()?;
            commands.push(self.parse_command()?);
        }
        Ok(Pipeline { negate, commands })
    }

    fn parse_command(&mut self) -> PResult<Command> {
        let tok = self.peek()?.clone();
        let compound = match &tok {
            Tok::Eof => return Err(SyntaxError::Eof),
            Tok::Newline => return Err(SyntaxError::Unexpected("newline".into())),
            Tok::Op("(") => {
                self.bump();
                self.enter()?;
                let c = if self.ch(0) == Some('(') { self.try_arith_command() } else { None };
                let c = match c {
                    Some(c) => c?,
                    None => {
                        let list = self.parse_list(Enders { paren: true, ..Enders::default() })?;
                        match self.next_tok()? {
                            Tok::Op(")") if !list.items.is_empty() => {}
                            Tok::Eof => return Err(SyntaxError::Eof),
                            other => return Err(SyntaxError::Unexpected(other.text())),
                        }
                        Compound::Subshell(list)
                    }
                };
                self.depth -= 1;
                c
            }
            Tok::Op(op) => return Err(SyntaxError::Unexpected(op.to_string())),
            t => match Parser::reserved(t) {
                Some(word @ ("then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}")) => {
                    return Err(SyntaxError::Unexpected(word.to_string()))
                }
                Some("function") => {
                    self.bump();
                    return self.parse_function_keyword();
                }
                Some(word) if word != "!" => {
                    self.bump();
                    self.enter()?;
                    let c = self.parse_compound(word)?;
                    self.depth -= 1;
                    c
                }
                _ => return self.parse_simple(),
            },
        };
        let redirects = self.parse_redirects()?;
        Ok(Command::Compound(Box::new(compound), redirects))
    }

    fn parse_redirects(&mut self) -> PResult<Vec<Redirect>> {
        let mut redirects = Vec::new();
        while let Tok::Redir(..) = self.peek()? {
            redirects.push(self.parse_redirect()?);
        }
        Ok(redirects)
    }

    fn try_arith_command(&mut self) -> Option<PResult<Compound>> {
        let start = self.pos + 1;
        let end = self.find_arith_end(start)?;
        let text: String = self.chars[start..end].iter().collect();
        self.pos = end + 2;
        Some(self.sub_word(&text, Mode::HereDoc).map(Compound::Arith))
    }

    fn parse_compound(&mut self, word: &str) -> PResult<Compound> {
        match word {
            "{" => {
                let (list, _) = self.parse_body(&["}"])?;
                Ok(Compound::Group(list))
            }
            "if" => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let (cond, _) = self.parse_body(&["then"])?;
                    let (body, end) = self.parse_body(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    match end {
                        "elif" => continue,
                        "else" => {
                            otherwise = Some(self.parse_body(&["fi"])?.0);
                            break;
                        }
                        _ => break,
                    }
                }
                Ok(Compound::If { branches, otherwise })
            }
            "while" | "until" => {
                let (cond, _) = self.parse_body(&["do"])?;
                let (body, _) = self.parse_body(&["done"])?;
                Ok(Compound::While { cond, body, until: word == "until" })
            }
            "for" => self.parse_for(),
            "case" => self.parse_case(),
            "[[" => {
                let expr = self.parse_cond()?;
                Ok(Compound::Cond(expr))
            }
            other => Err(SyntaxError::Unexpected(other.to_string())),
        }
    }

    fn parse_for(&mut self) -> PResult<Compound> {
        if matches!(self.peek()?, Tok::Op("(")) && self.ch(0) == Some('(') {
            self.bump();
            let start = self.pos + 1;
            let Some(end) = self.find_arith_end(start) else { return Err(SyntaxError::Unexpected("(".into())) };
            let text: String = self.chars[start..end].iter().collect();
            self.pos = end + 2;
            let pieces: Vec<&str> = text.split(';').collect();
            if pieces.len() != 3 {
                return Err(SyntaxError::Unexpected(format!("(({text}))")));
            }
            let init = self.sub_word(pieces[0], Mode::HereDoc)?;
            let cond = self.sub_word(pieces[1], Mode::HereDoc)?;
            let step = self.sub_word(pieces[2], Mode::HereDoc)?;
            if matches!(self.peek()?, Tok::Op(";")) {
                self.bump();
            }
            self.skip_newlines()?;
            let body = self.parse_loop_body()?;
            return Ok(Compound::ArithFor { init, cond, step, body });
        }
        let var = match self.next_tok()? {
            Tok::Word(w) => {
                let name = w.literal().unwrap_or(&w.raw).to_string();
                if !is_name(&name) {
                    return Err(SyntaxError::Identifier(w.raw));
                }
                name
            }
            Tok::Eof => return Err(SyntaxError::Eof),
            other => return Err(SyntaxError::Unexpected(other.text())),
        };
        self.skip_newlines()?;
        let mut words = None;
        if let Tok::Word(w) = self.peek()? {
            if w.literal() == Some("in") {
                self.bump();
                let mut list = Vec::new();
                loop {
                    match self.next_tok()? {
                        Tok::Word(w) => list.push(w),
                        Tok::Op(";") | Tok::Newline => break,
                        Tok::Eof => return Err(SyntaxError::Eof),
                        other => return Err(SyntaxError::Unexpected(other.text())),
                    }
                }
                words = Some(list);
            }
        } else if matches!(self.peek()?, Tok::Op(";")) {
            self.bump();
        }
        self.skip_newlines()?;
        let body = self.parse_loop_body()?;
        Ok(Compound::For { var, words, body })
    }

    fn parse_loop_body(&mut self) -> PResult<List> {
        match self.next_tok()? {
            t if Parser::reserved(&t) == Some("do") => Ok(self.parse_body(&["done"])?.0),
            t if Parser::reserved(&t) == Some("{") => Ok(self.parse_body(&["}"])?.0),
            Tok::Eof => Err(SyntaxError::Eof),
            other => Err(SyntaxError::Unexpected(other.text())),
        }
    }

    fn parse_case(&mut self) -> PResult<Compound> {
        let word = match self.next_tok()? {
            Tok::Word(w) => w,
            Tok::Eof => return Err(SyntaxError::Eof),
            other => return Err(SyntaxError::Unexpected(other.text())),
        };
        self.skip_newlines()?;
        match self.next_tok()? {
            Tok::Word(w) if w.literal() == Some("in") => {}
            Tok::Eof => return Err(SyntaxError::Eof),
            other => return Err(SyntaxError::Unexpected(other.text())),
        }
        let mut arms = Vec::new();
        loop {
            self.skip_newlines()?;
            if Parser::reserved(self.peek()?) == Some("esac") {
                self.bump();
                break;
            }
            if matches!(self.peek()?, Tok::Op("(")) {
                self.bump();
            }
            let mut patterns = Vec::new();
            loop {
                match self.next_tok()? {
                    Tok::Word(w) => patterns.push(w),
                    Tok::Eof => return Err(SyntaxError::Eof),
                    other => return Err(SyntaxError::Unexpected(other.text())),
                }
                match self.next_tok()? {
                    Tok::Op("|") => continue,
                    Tok::Op(")") => break,
                    Tok::Eof => return Err(SyntaxError::Eof),
                    other => return Err(SyntaxError::Unexpected(other.text())),
                }
            }
            let body = self.parse_list(Enders { words: &["esac"], case_arm: true, paren: false })?;
            arms.push(CaseArm { patterns, body });
            match self.next_tok()? {
                Tok::Op(_) => {}
                t if Parser::reserved(&t) == Some("esac") => break,
                Tok::Eof => return Err(SyntaxError::Eof),
                other => return Err(SyntaxError::Unexpected(other.text())),
            }
        }
        Ok(Compound::Case { word, arms })
    }

    fn parse_function_keyword(&mut self) -> PResult<Command> {
        let start = self.pos;
        let name = match self.next_tok()? {
            Tok::Word(w) => w.raw,
            Tok::Eof => return Err(SyntaxError::Eof),
            other => return Err(SyntaxError::Unexpected(other.text())),
        };
        if matches!(self.peek()?, Tok::Op("(")) {
            self.bump();
            match self.next_tok()? {
                Tok::Op(")") => {}
                Tok::Eof => return Err(SyntaxError::Eof),
                other => return Err(SyntaxError::Unexpected(other.text())),
            }
        }
        self.function_body(name, start)
    }

    fn function_body(&mut self, name: String, _start: usize) -> PResult<Command> {
        self.skip_newlines()?;
        self.peek()?;
        let start = self.peek_start;
        let body = match self.peek()? {
            Tok::Eof => return Err(SyntaxError::Eof),
            t if Parser::reserved(t).is_some_and(|r| matches!(r, "{" | "if" | "while" | "until" | "for" | "case" | "[[")) => {
                self.parse_command()?
            }
            Tok::Op("(") => self.parse_command()?,
            other => return Err(SyntaxError::Unexpected(other.text())),
        };
        let end = self.last_end.min(self.chars.len());
        let body_text: String = self.chars[start.min(end)..end].iter().collect();
        let source = format!("{name} () \n{}", body_text.trim());
        Ok(Command::Function { name, body: Arc::new(body), source })
    }

    /// The source text from `from` to the end of the last token read.
    fn text_since(&self, from: usize) -> String {
        let end = self.last_end.min(self.chars.len());
        self.chars[from.min(end)..end].iter().collect::<String>().trim().to_string()
    }

    /// The words of an array literal after its `(`, up to the `)`.
    fn array_items(&mut self) -> PResult<Vec<Word>> {
        let mut items = Vec::new();
        loop {
            match self.next_tok()? {
                Tok::Word(w) => items.push(w),
                Tok::Newline => {}
                Tok::Op(")") => return Ok(items),
                Tok::Eof => return Err(SyntaxError::Eof),
                other => return Err(SyntaxError::Unexpected(other.text())),
            }
        }
    }

    fn parse_simple(&mut self) -> PResult<Command> {
        let start = self.pos;
        let mut simple = Simple::default();
        loop {
            match self.peek()? {
                Tok::Word(_) => {
                    let Tok::Word(word) = self.next_tok()? else { unreachable!() };
                    if simple.words.is_empty() {
                        if let Some(mut assign) = self.as_assignment(&word)? {
                            let word_end = self.last_end;
                            let bare = assign.value.parts.is_empty() && assign.index.is_none();
                            if bare && matches!(self.peek()?, Tok::Op("(")) && self.peek_start == word_end {
                                self.bump();
                                assign.array = Some(self.array_items()?);
                            }
                            simple.assigns.push(assign);
                            continue;
                        }
                    }
                    if simple.words.first().and_then(|w| w.literal()).is_some_and(|w| matches!(w, "local" | "declare" | "typeset" | "readonly" | "export")) {
                        if let Some(mut assign) = self.as_assignment(&word)? {
                            let word_end = self.last_end;
                            let bare = assign.value.parts.is_empty() && assign.index.is_none();
                            if bare && matches!(self.peek()?, Tok::Op("(")) && self.peek_start == word_end {
                                self.bump();
                                assign.array = Some(self.array_items()?);
                                simple.words.push(Word { parts: vec![Part::Lit(assign.name.clone())], raw: assign.name.clone() });
                                simple.decl_arrays.push(assign);
                                continue;
                            }
                        }
                    }
                    simple.words.push(word);
                    if simple.words.len() == 1 && simple.assigns.is_empty() && simple.redirects.is_empty() {
                        if let Tok::Op("(") = self.peek()? {
                            self.bump();
                            match self.next_tok()? {
                                Tok::Op(")") => {}
                                Tok::Eof => return Err(SyntaxError::Eof),
                                other => return Err(SyntaxError::Unexpected(other.text())),
                            }
                            let name = simple.words.remove(0).raw;
                            let _ = start;
                            return self.function_body(name.clone(), start);
                        }
                    }
                }
                Tok::Redir(..) => {
                    let r = self.parse_redirect()?;
                    simple.redirects.push(r);
                }
                Tok::Op("(") if !simple.words.is_empty() || !simple.assigns.is_empty() => {
                    return Err(SyntaxError::Unexpected("(".into()));
                }
                _ => break,
            }
        }
        if simple.words.is_empty() && simple.assigns.is_empty() && simple.redirects.is_empty() {
            let tok = self.next_tok()?;
            return Err(match tok {
                Tok::Eof => SyntaxError::Eof,
                other => SyntaxError::Unexpected(other.text()),
            });
        }
        Ok(Command::Simple(simple))
    }

    fn parse_redirect(&mut self) -> PResult<Redirect> {
        let Tok::Redir(fd, op, text) = self.next_tok()? else { return Err(SyntaxError::Eof) };
        let target = match self.next_tok()? {
            Tok::Word(w) => w,
            Tok::Eof | Tok::Newline => return Err(SyntaxError::Unexpected("newline".into())),
            other => return Err(SyntaxError::Unexpected(other.text())),
        };
        if op == RedirOp::HereDoc {
            let quoted = target.parts.iter().any(|p| !matches!(p, Part::Lit(_)));
            let delim = unquoted_text(&target.parts);
            let body = self.take_heredoc(&delim, text == "<<-", quoted)?;
            return Ok(Redirect { fd, op, target: body });
        }
        Ok(Redirect { fd, op, target })
    }

    // ----- [[ ... ]] -----

    fn parse_cond(&mut self) -> PResult<CondExpr> {
        let mut toks: Vec<CTok> = Vec::new();
        loop {
            let tok = self.next_tok()?;
            match tok {
                Tok::Word(w) if w.literal() == Some("]]") => break,
                Tok::Word(w) => {
                    let is_regex = w.literal() == Some("=~");
                    toks.push(CTok::Word(w));
                    if is_regex {
                        let re = self.read_regex_word()?;
                        if re.raw.is_empty() {
                            return Err(SyntaxError::Conditional);
                        }
                        toks.push(CTok::Word(re));
                    }
                }
                Tok::Op("&&") => toks.push(CTok::And),
                Tok::Op("||") => toks.push(CTok::Or),
                Tok::Op("(") => toks.push(CTok::Open),
                Tok::Op(")") => toks.push(CTok::Close),
                Tok::Redir(None, RedirOp::In, _) => toks.push(CTok::Word(lit_word("<"))),
                Tok::Redir(None, RedirOp::Out, _) => toks.push(CTok::Word(lit_word(">"))),
                Tok::Newline => {}
                Tok::Eof => return Err(SyntaxError::Eof),
                other => return Err(SyntaxError::Unexpected(other.text())),
            }
            if toks.len() > 10_000 {
                return Err(SyntaxError::Conditional);
            }
        }
        let mut pos = 0;
        let expr = cond_or(&toks, &mut pos, 0)?;
        if pos != toks.len() {
            return Err(SyntaxError::Conditional);
        }
        Ok(expr)
    }
}

#[derive(Debug)]
enum CTok {
    Word(Word),
    And,
    Or,
    Open,
    Close,
}

fn cond_or(toks: &[CTok], pos: &mut usize, depth: u32) -> PResult<CondExpr> {
    if depth > MAX_DEPTH {
        return Err(SyntaxError::TooDeep);
    }
    let mut left = cond_and(toks, pos, depth)?;
    while matches!(toks.get(*pos), Some(CTok::Or)) {
        *pos += 1;
        let right = cond_and(toks, pos, depth)?;
        left = CondExpr::Or(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn cond_and(toks: &[CTok], pos: &mut usize, depth: u32) -> PResult<CondExpr> {
    let mut left = cond_not(toks, pos, depth)?;
    while matches!(toks.get(*pos), Some(CTok::And)) {
        *pos += 1;
        let right = cond_not(toks, pos, depth)?;
        left = CondExpr::And(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn cond_not(toks: &[CTok], pos: &mut usize, depth: u32) -> PResult<CondExpr> {
    let mut negations = 0;
    while let Some(CTok::Word(w)) = toks.get(*pos) {
        if w.literal() == Some("!") && toks.len() > *pos + 1 {
            negations += 1;
            *pos += 1;
        } else {
            break;
        }
    }
    let mut expr = cond_primary(toks, pos, depth)?;
    for _ in 0..negations {
        expr = CondExpr::Not(Box::new(expr));
    }
    Ok(expr)
}

const COND_UNARY: &[&str] =
    &["-e", "-f", "-d", "-s", "-r", "-w", "-x", "-z", "-n", "-L", "-h", "-a", "-b", "-c", "-p", "-S", "-v", "-o"];
const COND_BINARY: &[&str] =
    &["==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"];

fn cond_primary(toks: &[CTok], pos: &mut usize, depth: u32) -> PResult<CondExpr> {
    match toks.get(*pos) {
        Some(CTok::Open) => {
            *pos += 1;
            let inner = cond_or(toks, pos, depth + 1)?;
            if !matches!(toks.get(*pos), Some(CTok::Close)) {
                return Err(SyntaxError::Conditional);
            }
            *pos += 1;
            Ok(inner)
        }
        Some(CTok::Word(w)) => {
            let op = w.literal().unwrap_or("");
            if COND_UNARY.contains(&op) {
                if let Some(CTok::Word(arg)) = toks.get(*pos + 1) {
                    let is_binary_next = matches!(toks.get(*pos + 2), Some(CTok::Word(x)) if x.literal().is_some_and(|l| COND_BINARY.contains(&l)));
                    if !is_binary_next {
                        *pos += 2;
                        return Ok(CondExpr::Unary(op.to_string(), arg.clone()));
                    }
                }
            }
            if let (Some(CTok::Word(o)), Some(CTok::Word(right))) = (toks.get(*pos + 1), toks.get(*pos + 2)) {
                if let Some(op) = o.literal().filter(|l| COND_BINARY.contains(l)) {
                    *pos += 3;
                    return Ok(CondExpr::Binary(w.clone(), op.to_string(), right.clone()));
                }
            }
            *pos += 1;
            Ok(CondExpr::Word(w.clone()))
        }
        _ => Err(SyntaxError::Conditional),
    }
}

fn lit_word(s: &str) -> Word {
    Word { parts: vec![Part::Lit(s.to_string())], raw: s.to_string() }
}

/// The text of a word with quotes removed and nothing expanded (here-document delimiters).
fn unquoted_text(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Lit(s) | Part::Quoted(s) => out.push_str(s),
            Part::Double(inner) => out.push_str(&unquoted_text(inner)),
            Part::Param(p) => {
                out.push('$');
                out.push_str(&p.name);
            }
            _ => {}
        }
    }
    out
}

impl Parser {
    /// `NAME=value`, `NAME+=value` or `NAME[index]=value` at the start of a command.
    fn as_assignment(&self, word: &Word) -> PResult<Option<Assign>> {
        if let Some(a) = as_assignment(word) {
            return Ok(Some(a));
        }
        // `name[index]=value`: re-read the pieces from the source text.
        let raw = &word.raw;
        let Some(open) = raw.find('[') else { return Ok(None) };
        if !is_name(&raw[..open]) || !matches!(word.parts.first(), Some(Part::Lit(l)) if l.starts_with(&raw[..=open])) {
            return Ok(None);
        }
        let Some(close) = raw[open..].find("]=").or_else(|| raw[open..].find("]+=")).map(|i| open + i) else { return Ok(None) };
        let append = raw[close..].starts_with("]+=");
        let value_raw = &raw[close + if append { 3 } else { 2 }..];
        let index = self.sub_word(&raw[open + 1..close], Mode::HereDoc)?;
        let mut sub = Parser::new(value_raw, self.depth + 1);
        let value = if value_raw.is_empty() { Word::default() } else { sub.read_word()? };
        Ok(Some(Assign { name: raw[..open].to_string(), value, append, index: Some(index), array: None }))
    }
}

/// `NAME=value` or `NAME+=value` at the start of a simple command.
fn as_assignment(word: &Word) -> Option<Assign> {
    let Some(Part::Lit(first)) = word.parts.first() else { return None };
    let eq = first.find('=')?;
    let (name, append) = match first[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&first[..eq], false),
    };
    if !is_name(name) {
        return None;
    }
    let mut parts = word.parts.clone();
    let rest = first[eq + 1..].to_string();
    if rest.is_empty() {
        parts.remove(0);
    } else {
        parts[0] = Part::Lit(rest);
    }
    let raw = word.raw.get(word.raw.find('=').map(|i| i + 1).unwrap_or(0)..).unwrap_or("").to_string();
    Some(Assign { name: name.to_string(), value: Word { parts, raw }, append, index: None, array: None })
}
