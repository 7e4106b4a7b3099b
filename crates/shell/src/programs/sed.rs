//! sed: addresses (line, `$`, `/re/`, ranges, `!`), and the commands
//! `s d p q Q = a i c y n N h H g G x {}`; `-n`, `-e`, `-E`/`-r`, `-i`.
//!
//! Branches (`:label`, `b`, `t`, `T`) jump in the flattened script; a cycle that
//! runs a million commands stops, so a script always ends.

use super::{bre_to_ere, compile_regex, ere_fixup, unescape, Ctx, Escapes};
use regex::Regex;

#[derive(Debug, Clone)]
enum Addr {
    Line(usize),
    Last,
    Re(Option<Regex>),
    /// GNU's `addr1,+N`: the N lines after the range's first line.
    Plus(usize),
    /// GNU's `first~step`: every step-th line from first.
    Step(usize, usize),
    /// GNU's `0,/re/`: a range open before the first line (so /re/ may end it there).
    Zero,
}

#[derive(Debug, Clone)]
struct Cmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    op: Op,
    /// Unique within the script: indexes the range state.
    id: usize,
}

#[derive(Debug, Clone)]
enum Op {
    Subst { re: Option<Regex>, rep: String, global: bool, nth: usize, print: bool },
    Delete,
    Print,
    Quit(bool),
    LineNo,
    Append(String),
    Insert(String),
    Change(String),
    Translate(Vec<char>, Vec<char>),
    Next,
    NextAppend,
    Hold(bool),
    Get(bool),
    Exchange,
    Block(Vec<Cmd>),
    /// `:label`
    Label(String),
    /// `b`, `t`, `T` to a label (empty: the end of the script).
    Branch(char, String),
    /// A flattened block: where its end is, and its end marker.
    Open(usize),
    Close,
}

struct ScriptParser<'a> {
    chars: Vec<char>,
    pos: usize,
    extended: bool,
    expr_no: usize,
    last_re: &'a mut Option<Regex>,
    next_id: &'a mut usize,
}

type R<T> = Result<T, String>;

impl ScriptParser<'_> {
    fn err(&self, msg: &str) -> String {
        format!("-e expression #{}, char {}: {msg}", self.expr_no, self.pos)
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ') | Some('\t')) {
            self.pos += 1;
        }
    }
    /// Reads up to the unescaped `delim`; `\delim` becomes `delim`, `\n` a newline.
    fn delimited(&mut self, delim: char, what: &str) -> R<String> {
        let mut out = String::new();
        let mut in_class = false;
        loop {
            let Some(c) = self.peek() else { return Err(self.err(&format!("unterminated {what}"))) };
            self.pos += 1;
            if c == '\\' {
                let Some(n) = self.peek() else { return Err(self.err(&format!("unterminated {what}"))) };
                self.pos += 1;
                if n == delim && delim != '\n' {
                    out.push(n);
                } else if n == 'n' {
                    out.push('\n');
                } else {
                    out.push('\\');
                    out.push(n);
                }
                continue;
            }
            if (what != "`s' command" || !in_class)
                && c == delim {
                    return Ok(out);
                }
            if c == '[' && what != "`y' command" {
                in_class = true;
            } else if c == ']' {
                in_class = false;
            }
            out.push(c);
        }
    }
    fn regex(&mut self, text: &str, icase: bool) -> R<Option<Regex>> {
        if text.is_empty() {
            return Ok(self.last_re.clone());
        }
        let re = if self.extended { ere_fixup(text) } else { bre_to_ere(text) };
        let re = compile_regex(&re, icase).map_err(|m| self.err(&m))?;
        *self.last_re = Some(re.clone());
        Ok(Some(re))
    }
    fn addr(&mut self) -> R<Option<Addr>> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.pos += 1;
                }
                if self.peek() == Some('~') {
                    self.pos += 1;
                    let mut step = 0usize;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        step = step.saturating_mul(10).saturating_add(d as usize);
                        self.pos += 1;
                    }
                    return Ok(Some(Addr::Step(n, step)));
                }
                if n == 0 {
                    // Only `0,/re/` may start at line 0 (checked once the command is read).
                    return Ok(Some(Addr::Zero));
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.pos += 1;
                Ok(Some(Addr::Last))
            }
            Some(d @ ('/' | '\\')) => {
                self.pos += 1;
                let delim = if d == '\\' {
                    let c = self.peek().ok_or_else(|| self.err("unexpected `,'"))?;
                    self.pos += 1;
                    c
                } else {
                    '/'
                };
                let text = self.delimited(delim, "address regex")?;
                let icase = self.peek() == Some('I');
                if icase {
                    self.pos += 1;
                }
                Ok(Some(Addr::Re(self.regex(&text, icase)?)))
            }
            _ => Ok(None),
        }
    }
    fn text_arg(&mut self) -> String {
        // `a text`, `a\` newline text; GNU also allows `a\text`.
        self.skip_ws();
        if self.peek() == Some('\\') {
            self.pos += 1;
            if self.peek() == Some('\n') {
                self.pos += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' {
                break;
            }
            self.pos += 1;
            if c == '\\' {
                if let Some(n) = self.peek() {
                    self.pos += 1;
                    out.push(if n == 'n' { '\n' } else if n == 't' { '\t' } else { n });
                    continue;
                }
            }
            out.push(c);
        }
        out
    }
    /// A label after `:`, `b`, `t` or `T`: up to a newline or `;`.
    fn label(&mut self) -> String {
        self.skip_ws();
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' || c == ';' || c == '}' {
                break;
            }
            out.push(c);
            self.pos += 1;
        }
        out.trim_end().to_string()
    }

    fn commands(&mut self, depth: u32) -> R<Vec<Cmd>> {
        let mut cmds = Vec::new();
        loop {
            while matches!(self.peek(), Some(' ') | Some('\t') | Some('\n') | Some(';')) {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { break };
            if c == '}' {
                if depth == 0 {
                    return Err(self.err("unexpected `}'"));
                }
                self.pos += 1;
                return Ok(cmds);
            }
            if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                continue;
            }
            let a1 = self.addr()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.pos += 1;
                a2 = if self.peek() == Some('+') && self.chars.get(self.pos + 1).is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                    let mut n = 0usize;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        n = n.saturating_mul(10).saturating_add(d as usize);
                        self.pos += 1;
                    }
                    Some(Addr::Plus(n))
                } else {
                    self.addr()?
                };
                if a2.is_none() {
                    return Err(self.err("unexpected `,'"));
                }
            }
            self.skip_ws();
            let mut negate = false;
            while self.peek() == Some('!') {
                negate = true;
                self.pos += 1;
                self.skip_ws();
            }
            let Some(name) = self.peek() else { return Err(self.err("missing command")) };
            self.pos += 1;
            if matches!(a1, Some(Addr::Zero)) && !matches!(a2, Some(Addr::Re(_))) || matches!(a2, Some(Addr::Zero)) {
                return Err(self.err("invalid usage of line address 0"));
            }
            let op = match name {
                's' => {
                    let delim = self.peek().ok_or_else(|| self.err("unterminated `s' command"))?;
                    if delim == '\n' || delim == '\\' {
                        return Err(self.err("unterminated `s' command"));
                    }
                    self.pos += 1;
                    let pat = self.delimited(delim, "`s' command")?;
                    let rep = self.delimited(delim, "`s' command")?;
                    let mut global = false;
                    let mut print = false;
                    let mut nth = 1;
                    let mut icase = false;
                    while let Some(f) = self.peek() {
                        match f {
                            'g' => global = true,
                            'p' => print = true,
                            'i' | 'I' => icase = true,
                            d if d.is_ascii_digit() => {
                                let mut n = 0usize;
                                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                                    n = n.saturating_mul(10).saturating_add(d as usize);
                                    self.pos += 1;
                                }
                                nth = n.max(1);
                                continue;
                            }
                            ';' | '\n' | ' ' | '}' | '\t' => break,
                            _ => return Err(self.err("unknown option to `s'")),
                        }
                        self.pos += 1;
                    }
                    let re = self.regex(&pat, icase)?;
                    if re.is_none() {
                        return Err("no previous regular expression".to_string());
                    }
                    Op::Subst { re, rep, global, nth, print }
                }
                'd' => Op::Delete,
                'p' => Op::Print,
                'q' => Op::Quit(true),
                'Q' => Op::Quit(false),
                '=' => Op::LineNo,
                'a' => Op::Append(self.text_arg()),
                'i' => Op::Insert(self.text_arg()),
                'c' => Op::Change(self.text_arg()),
                'n' => Op::Next,
                'N' => Op::NextAppend,
                'h' => Op::Hold(false),
                'H' => Op::Hold(true),
                'g' => Op::Get(false),
                'G' => Op::Get(true),
                'x' => Op::Exchange,
                'y' => {
                    let delim = self.peek().ok_or_else(|| self.err("unterminated `y' command"))?;
                    self.pos += 1;
                    let from: Vec<char> = unescape(&self.delimited(delim, "`y' command")?, Escapes::Printf).0.chars().collect();
                    let to: Vec<char> = unescape(&self.delimited(delim, "`y' command")?, Escapes::Printf).0.chars().collect();
                    if from.len() != to.len() {
                        return Err(self.err("strings for `y' command are different lengths"));
                    }
                    Op::Translate(from, to)
                }
                ':' => {
                    if a1.is_some() {
                        return Err(self.err(": doesn't want any addresses"));
                    }
                    let label = self.label();
                    if label.is_empty() {
                        return Err(self.err("\":\" lacks a label"));
                    }
                    Op::Label(label)
                }
                'b' | 't' | 'T' => Op::Branch(name, self.label()),
                '{' => {
                    if depth > 50 {
                        return Err(self.err("too many nested blocks"));
                    }
                    Op::Block(self.commands(depth + 1)?)
                }
                other => return Err(self.err(&format!("unknown command: `{other}'"))),
            };
            *self.next_id += 1;
            cmds.push(Cmd { a1, a2, negate, op, id: *self.next_id });
        }
        if depth > 0 {
            return Err(self.err("unmatched `{'"));
        }
        Ok(cmds)
    }
}

/// Expands `&` and `\1`..`\9` in a replacement.
fn replacement(rep: &str, caps: &regex::Captures) -> String {
    let mut out = String::new();
    let mut chars = rep.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str(caps.get(0).map(|m| m.as_str()).unwrap_or("")),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => {
                    let i = d.to_digit(10).unwrap_or(0) as usize;
                    out.push_str(caps.get(i).map(|m| m.as_str()).unwrap_or(""));
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

struct State {
    line_no: usize,
    last: bool,
    /// Per-command "inside a range" flags, by command index in a flattened walk.
    ranges: Vec<bool>,
    /// Where an `addr1,+N` range that is open ends, by command index.
    range_end: std::collections::BTreeMap<usize, usize>,
    hold: String,
    quit: Option<bool>,
    deleted: bool,
    append: Vec<String>,
    out: String,
    quiet: bool,
    /// A substitution succeeded since the last input line or `t` (for `t`/`T`).
    substituted: bool,
}

fn matches(addr: &Addr, st: &State, line: &str) -> bool {
    match addr {
        Addr::Line(n) => st.line_no == *n,
        Addr::Last => st.last,
        Addr::Re(re) => re.as_ref().is_some_and(|re| re.is_match(line)),
        Addr::Plus(_) | Addr::Zero => false,
        Addr::Step(first, step) => {
            if *step == 0 {
                st.line_no == *first
            } else {
                st.line_no >= *first && (st.line_no - first) % step == 0
            }
        }
    }
}

fn selected(cmd: &Cmd, idx: usize, st: &mut State, line: &str) -> bool {
    let hit = match (&cmd.a1, &cmd.a2) {
        (None, _) => true,
        (Some(a1), None) => matches(a1, st, line),
        (Some(Addr::Zero), Some(a2)) => {
            // Open from the start until a2 first matches, then never again.
            if st.range_end.get(&idx) == Some(&usize::MAX) {
                false
            } else {
                if matches(a2, st, line) {
                    st.range_end.insert(idx, usize::MAX);
                }
                true
            }
        }
        (Some(a1), Some(a2)) => {
            if st.ranges.len() <= idx {
                st.ranges.resize(idx + 1, false);
            }
            if st.ranges[idx] {
                let end = match a2 {
                    Addr::Line(n) => st.line_no >= *n,
                    Addr::Plus(_) => st.line_no >= st.range_end.get(&idx).copied().unwrap_or(0),
                    other => matches(other, st, line),
                };
                if end {
                    st.ranges[idx] = false;
                }
                true
            } else if matches(a1, st, line) {
                let ends_now = match a2 {
                    Addr::Line(n) => st.line_no >= *n,
                    Addr::Plus(n) => {
                        st.range_end.insert(idx, st.line_no.saturating_add(*n));
                        *n == 0
                    }
                    _ => false,
                };
                st.ranges[idx] = !ends_now;
                true
            } else {
                false
            }
        }
    };
    hit != cmd.negate
}

/// Runs commands over the pattern space; `false` ends the cycle early.
fn run(cmds: &[Cmd], st: &mut State, ps: &mut String, input: &mut dyn Iterator<Item = String>, last_line: &dyn Fn(usize) -> bool) -> bool {
    let mut pc = 0;
    let mut steps = 0u32;
    while pc < cmds.len() {
        let cmd = &cmds[pc];
        pc += 1;
        steps += 1;
        if steps > MAX_STEPS_PER_CYCLE {
            // A branch loop that never ends: stop, printing nothing more.
            st.quit = Some(false);
            return false;
        }
        let idx = cmd.id;
        if !selected(cmd, idx, st, ps) {
            if let Op::Open(end) = cmd.op {
                pc = end;
            }
            continue;
        }
        match &cmd.op {
            Op::Open(_) | Op::Close | Op::Label(_) => {}
            Op::Branch(kind, label) => {
                let jump = match kind {
                    't' => std::mem::take(&mut st.substituted),
                    'T' => !std::mem::take(&mut st.substituted),
                    _ => true,
                };
                if jump {
                    pc = if label.is_empty() { cmds.len() } else { cmds.iter().position(|c| matches!(&c.op, Op::Label(l) if l == label)).unwrap_or(cmds.len()) };
                }
            }
            Op::Subst { re, rep, global, nth, print } => {
                let Some(re) = re else { continue };
                let mut count = 0;
                let mut changed = false;
                let mut out = String::new();
                let mut last = 0;
                for caps in re.captures_iter(ps) {
                    let m = caps.get(0).expect("group 0");
                    count += 1;
                    if count >= *nth && (*global || count == *nth) {
                        out.push_str(&ps[last..m.start()]);
                        out.push_str(&replacement(rep, &caps));
                        last = m.end();
                        changed = true;
                        if !*global {
                            break;
                        }
                    }
                }
                if changed {
                    st.substituted = true;
                    out.push_str(&ps[last..]);
                    *ps = out;
                    if *print {
                        st.out.push_str(ps);
                        st.out.push('\n');
                    }
                }
            }
            Op::Delete => {
                st.deleted = true;
                return false;
            }
            Op::Print => {
                st.out.push_str(ps);
                st.out.push('\n');
            }
            Op::Quit(print) => {
                st.quit = Some(*print);
                return false;
            }
            Op::LineNo => st.out.push_str(&format!("{}\n", st.line_no)),
            Op::Append(t) => st.append.push(t.clone()),
            Op::Insert(t) => {
                st.out.push_str(t);
                st.out.push('\n');
            }
            Op::Change(t) => {
                let in_range = cmd.a2.is_some() && st.ranges.get(idx).copied().unwrap_or(false);
                if !in_range {
                    st.out.push_str(t);
                    st.out.push('\n');
                }
                st.deleted = true;
                return false;
            }
            Op::Translate(from, to) => {
                *ps = ps.chars().map(|c| from.iter().position(|f| *f == c).map(|i| to[i]).unwrap_or(c)).collect();
            }
            Op::Next | Op::NextAppend => match input.next() {
                Some(next) => {
                    if matches!(cmd.op, Op::Next) {
                        if !st.quiet {
                            st.out.push_str(ps);
                            st.out.push('\n');
                        }
                        *ps = next;
                    } else {
                        ps.push('\n');
                        ps.push_str(&next);
                    }
                    st.line_no += 1;
                    st.last = last_line(st.line_no);
                }
                None => {
                    if matches!(cmd.op, Op::NextAppend) {
                        // GNU prints the pattern space when N runs out of input.
                        return false;
                    }
                    st.quit = Some(true);
                    return false;
                }
            },
            Op::Hold(append) => {
                if *append {
                    st.hold.push('\n');
                    st.hold.push_str(ps);
                } else {
                    st.hold = ps.clone();
                }
            }
            Op::Get(append) => {
                if *append {
                    ps.push('\n');
                    ps.push_str(&st.hold.clone());
                } else {
                    *ps = st.hold.clone();
                }
            }
            Op::Exchange => std::mem::swap(ps, &mut st.hold),
            Op::Block(_) => {}
        }
    }
    true
}

/// Commands run per input line at most, so a branch loop ends.
const MAX_STEPS_PER_CYCLE: u32 = 1_000_000;

/// Blocks become `Open(end)` ... `Close`, so branches can jump anywhere.
fn flatten(cmds: Vec<Cmd>, out: &mut Vec<Cmd>) {
    for cmd in cmds {
        match cmd.op {
            Op::Block(inner) => {
                let at = out.len();
                out.push(Cmd { a1: cmd.a1, a2: cmd.a2, negate: cmd.negate, op: Op::Open(0), id: cmd.id });
                flatten(inner, out);
                out.push(Cmd { a1: None, a2: None, negate: false, op: Op::Close, id: usize::MAX });
                let end = out.len();
                out[at].op = Op::Open(end);
            }
            _ => out.push(cmd),
        }
    }
}

pub(crate) fn sed(ctx: &mut Ctx) -> i32 {
    let args = ctx.args.to_vec();
    let mut scripts: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut quiet = false;
    let mut extended = false;
    let mut in_place: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        match a.as_str() {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => extended = true,
            "-e" | "--expression" => match args.get(i) {
                Some(s) => {
                    scripts.push(s.clone());
                    i += 1;
                }
                None => {
                    ctx.err("option requires an argument -- 'e'");
                    return 1;
                }
            },
            "-s" | "-u" | "--posix" => {}
            s if s.starts_with("-i") || s.starts_with("--in-place") => {
                in_place = Some(s.trim_start_matches("--in-place").trim_start_matches("-i").trim_start_matches('=').to_string());
            }
            s if s.starts_with("-e") && s.len() > 2 => scripts.push(s[2..].to_string()),
            s if s.starts_with('-') && s.len() > 1 && s[1..].chars().all(|c| matches!(c, 'n' | 'E' | 'r' | 'i' | 's')) => {
                for c in s[1..].chars() {
                    match c {
                        'n' => quiet = true,
                        'E' | 'r' => extended = true,
                        'i' => in_place = Some(String::new()),
                        _ => {}
                    }
                }
            }
            s if s.starts_with('-') && s.len() > 1 => {
                ctx.err(&format!("invalid option -- '{}'", s.chars().nth(1).unwrap_or('-')));
                ctx.io.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
                return 1;
            }
            _ => files.push(a.clone()),
        }
    }
    if scripts.is_empty() {
        if files.is_empty() {
            ctx.io.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n");
            return 1;
        }
        scripts.push(files.remove(0));
    }
    let mut last_re = None;
    let mut next_id = 0;
    let mut cmds = Vec::new();
    for (n, s) in scripts.iter().enumerate() {
        let mut p = ScriptParser { chars: s.chars().collect(), pos: 0, extended, expr_no: n + 1, last_re: &mut last_re, next_id: &mut next_id };
        match p.commands(0) {
            Ok(c) => cmds.extend(c),
            Err(msg) => {
                ctx.err(&msg);
                return 1;
            }
        }
    }
    let mut flat = Vec::new();
    flatten(cmds, &mut flat);
    for cmd in &flat {
        if let Op::Branch(_, label) = &cmd.op {
            if !label.is_empty() && !flat.iter().any(|c| matches!(&c.op, Op::Label(l) if l == label)) {
                ctx.err(&format!("can't find label for jump to `{label}'"));
                return 1;
            }
        }
    }
    let cmds = flat;
    if in_place.is_some() && files.is_empty() {
        ctx.err("no input files");
        return 1;
    }
    let mut status = 0;
    // Without -i all files form one stream; with -i each file is its own.
    let mut streams: Vec<(Option<String>, Vec<String>)> = Vec::new();
    if in_place.is_some() {
        for f in &files {
            let path = ctx.resolve(f);
            match ctx.io.vfs.read(&path) {
                Ok(d) => streams.push((Some(path), super::lines(d))),
                Err(e) => {
                    ctx.err(&format!("can't read {f}: {e}"));
                    status = 2;
                }
            }
        }
    } else {
        let mut all = Vec::new();
        if files.is_empty() {
            all = super::lines(&ctx.stdin());
        }
        for f in &files {
            if f == "-" {
                all.extend(super::lines(&ctx.stdin()));
                continue;
            }
            let path = ctx.resolve(f);
            match ctx.io.vfs.read(&path) {
                Ok(d) => all.extend(super::lines(d)),
                Err(e) => {
                    ctx.err(&format!("can't read {f}: {e}"));
                    status = 2;
                }
            }
        }
        streams.push((None, all));
    }
    for (path, lines) in streams {
        let total = lines.len();
        let mut st = State { line_no: 0, last: false, ranges: Vec::new(), range_end: Default::default(), hold: String::new(), quit: None, deleted: false, append: Vec::new(), out: String::new(), quiet, substituted: false };
        let mut input = lines.into_iter();
        while let Some(line) = input.next() {
            st.line_no += 1;
            st.last = st.line_no == total;
            st.deleted = false;
            st.substituted = false;
            let mut ps = line;
            let last_line = |n: usize| n == total;
            run(&cmds, &mut st, &mut ps, &mut input, &last_line);
            if !st.deleted && (!st.quiet && st.quit != Some(false)) {
                st.out.push_str(&ps);
                st.out.push('\n');
            }
            for a in std::mem::take(&mut st.append) {
                st.out.push_str(&a);
                st.out.push('\n');
            }
            if st.quit.is_some() {
                break;
            }
        }
        match path {
            Some(p) => {
                let _ = ctx.io.vfs.write(&p, st.out.into_bytes());
            }
            None => ctx.out(st.out),
        }
    }
    status
}
