//! Programs the shell implements over the virtual filesystem: the coreutils a learner
//! types (`cat`, `ls`, `grep`, `sed`, `awk`, ...), with GNU wording for their errors.
//!
//! Each program is a plain function of a [`Ctx`] (arguments, stdin, filesystem,
//! output) returning an exit status. None of them knows about the shell's variables
//! or control flow; those that run other commands (`xargs`, `env CMD`) are builtins.

use crate::Io;

mod awk;
mod fs;
mod grep;
mod sed;
pub(crate) mod test;
mod text;

/// What a program gets while it runs.
pub(crate) struct Ctx<'a, 'b> {
    pub name: &'a str,
    pub args: &'a [String],
    pub io: &'a mut Io<'b>,
    /// Set when the program read standard input (so `read` later sees it consumed).
    pub used_stdin: bool,
    /// Standard output is the terminal (not a pipe or a file): `ls` lays out names
    /// on one line only then, as GNU ls does.
    pub tty: bool,
}

pub(crate) type Program = fn(&mut Ctx) -> i32;

/// The program called `name`, if the shell implements it.
pub(crate) fn lookup(name: &str) -> Option<Program> {
    Some(match name {
        "echo" => text::echo,
        "printf" => text::printf,
        "cat" | "less" | "more" => text::cat,
        "tac" => text::tac,
        "rev" => text::rev,
        "head" => text::head,
        "tail" => text::tail,
        "wc" => text::wc,
        "sort" => text::sort,
        "uniq" => text::uniq,
        "cut" => text::cut,
        "tr" => text::tr,
        "base64" => text::base64,
        "tee" => text::tee,
        "seq" => text::seq,
        "paste" => text::paste,
        "true" | ":" => |_| 0,
        "false" => |_| 1,
        "clear" => text::clear,
        "whoami" => text::whoami,
        "hostname" => text::hostname,
        "uname" => text::uname,
        "basename" => fs::basename,
        "dirname" => fs::dirname,
        "ls" => fs::ls,
        "mkdir" => fs::mkdir,
        "rmdir" => fs::rmdir,
        "rm" => fs::rm,
        "cp" => fs::cp,
        "mv" => fs::mv,
        "touch" => fs::touch,
        "chmod" => fs::chmod,
        "realpath" => fs::realpath,
        "find" => fs::find,
        "grep" | "egrep" | "fgrep" => grep::grep,
        "sed" => sed::sed,
        "awk" | "gawk" | "mawk" => awk::awk,
        "test" | "[" => test::test,
        _ => return None,
    })
}

/// Every program name (for `type`, `which` and completion), sorted.
pub(crate) const NAMES: &[&str] = &[
    "awk", "base64", "basename", "cat", "chmod", "clear", "cp", "cut", "dirname", "echo", "egrep", "false", "fgrep", "find",
    "gawk", "grep", "head", "less", "ls", "mawk", "mkdir", "more", "mv", "paste", "printf", "realpath", "rev", "rm", "rmdir", "sed",
    "seq", "sort", "tac", "tail", "tee", "test", "touch", "tr", "true", "uname", "uniq", "wc", "whoami", "hostname",
];

impl Ctx<'_, '_> {
    pub fn out(&mut self, text: impl AsRef<[u8]>) {
        self.io.out(text);
    }
    /// Writes `name: message` to stderr.
    pub fn err(&mut self, message: &str) {
        let line = format!("{}: {}\n", self.name, crate::interp::clean(message));
        self.io.err(line);
    }
    /// Writes `bash: name: message` (for programs that are bash builtins).
    pub fn builtin_err(&mut self, message: &str) {
        let line = format!("bash: {}: {}\n", self.name, crate::interp::clean(message));
        self.io.err(line);
    }
    pub fn stdin(&mut self) -> Vec<u8> {
        self.used_stdin = true;
        self.io.stdin.to_vec()
    }
    pub fn resolve(&self, path: &str) -> String {
        self.io.resolve(path)
    }
    /// Reads a file argument (`-` is stdin), printing `prog: name: error` on failure.
    pub fn read_input(&mut self, name: &str) -> Option<Vec<u8>> {
        if name == "-" {
            return Some(self.stdin());
        }
        let path = self.resolve(name);
        match self.io.vfs.read(&path) {
            Ok(data) => Some(data.to_vec()),
            Err(e) => {
                self.err(&format!("{name}: {e}"));
                None
            }
        }
    }
    /// The inputs named by `files` (stdin when none): (name, contents), and whether all
    /// could be read.
    pub fn inputs(&mut self, files: &[String]) -> (Vec<(String, Vec<u8>)>, bool) {
        if files.is_empty() {
            return (vec![("-".to_string(), self.stdin())], true);
        }
        let mut ok = true;
        let mut out = Vec::new();
        for f in files {
            match self.read_input(f) {
                Some(data) => out.push((f.clone(), data)),
                None => ok = false,
            }
        }
        (out, ok)
    }
}

/// Parsed command-line options.
#[derive(Debug, Default)]
pub(crate) struct Opts {
    pub flags: Vec<(char, Option<String>)>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }
    pub fn value(&self, c: char) -> Option<&str> {
        self.flags.iter().rev().find(|(f, _)| *f == c).and_then(|(_, v)| v.as_deref())
    }
    pub fn values(&self, c: char) -> Vec<&str> {
        self.flags.iter().filter(|(f, _)| *f == c).filter_map(|(_, v)| v.as_deref()).collect()
    }
}

/// getopt-style parsing: `spec` lists the flag letters, `:` after one that takes a
/// value; `long` maps long names to letters. Options may follow operands (GNU style).
/// On error prints GNU's message and returns the status to exit with.
pub(crate) fn getopt(ctx: &mut Ctx, spec: &str, long: &[(&str, char)], status_on_error: i32) -> Result<Opts, i32> {
    let mut opts = Opts::default();
    let args = ctx.args.to_vec();
    let mut i = 0;
    let takes_value = |c: char| spec.find(c).is_some_and(|at| spec[at + c.len_utf8()..].starts_with(':'));
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            opts.operands.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(name) = arg.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            match long.iter().find(|(l, _)| *l == name) {
                Some((_, c)) => {
                    let value = if takes_value(*c) && value.is_none() {
                        let v = args.get(i).cloned();
                        i += 1;
                        v
                    } else {
                        value
                    };
                    opts.flags.push((*c, value));
                }
                None => {
                    ctx.err(&format!("unrecognized option '--{name}'"));
                    ctx.err_try();
                    return Err(status_on_error);
                }
            }
            continue;
        }
        if arg.len() > 1 && arg.starts_with('-') {
            let chars: Vec<char> = arg[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                if !spec.contains(c) || c == ':' {
                    ctx.err(&format!("invalid option -- '{c}'"));
                    ctx.err_try();
                    return Err(status_on_error);
                }
                if takes_value(c) {
                    let value: String = chars[k..].iter().collect();
                    let value = if value.is_empty() {
                        let v = args.get(i).cloned();
                        i += 1;
                        match v {
                            Some(v) => v,
                            None => {
                                ctx.err(&format!("option requires an argument -- '{c}'"));
                                ctx.err_try();
                                return Err(status_on_error);
                            }
                        }
                    } else {
                        value
                    };
                    opts.flags.push((c, Some(value)));
                    break;
                }
                opts.flags.push((c, None));
            }
            continue;
        }
        opts.operands.push(arg.clone());
    }
    Ok(opts)
}

impl Ctx<'_, '_> {
    fn err_try(&mut self) {
        let line = format!("Try '{} --help' for more information.\n", self.name);
        self.io.err(line);
    }
}

/// Which backslash escapes a string understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escapes {
    /// `echo -e` and `printf %b`: `\0NNN` octal, `\c` stops output.
    Echo,
    /// A `printf` format: `\NNN` octal.
    Printf,
    /// `$'...'`: like printf, plus `\'` and `\"`.
    Dollar,
}

/// Interprets backslash escapes; the flag is true when `\c` asked to stop output.
pub(crate) fn unescape(s: &str, mode: Escapes) -> (String, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = chars[i + 1];
        i += 2;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'e' | 'E' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            'c' if mode != Escapes::Dollar => return (out, true),
            '\'' if mode == Escapes::Dollar => out.push('\''),
            '"' if mode != Escapes::Echo => out.push('"'),
            '?' if mode == Escapes::Dollar => out.push('?'),
            'x' => {
                let mut n = 0u32;
                let mut k = 0;
                while k < 2 && i < chars.len() && chars[i].is_ascii_hexdigit() {
                    n = n * 16 + chars[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                if k == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
            }
            'u' | 'U' => {
                let max = if e == 'u' { 4 } else { 8 };
                let mut n = 0u32;
                let mut k = 0;
                while k < max && i < chars.len() && chars[i].is_ascii_hexdigit() {
                    n = n.wrapping_mul(16) + chars[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                if k == 0 {
                    out.push('\\');
                    out.push(e);
                } else {
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
            }
            '0'..='7' => {
                let (start_digits, max) = match (mode, e) {
                    (Escapes::Echo, '0') => (0, 3),
                    (Escapes::Echo, _) => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                    _ => (1, 3),
                };
                let mut n = if start_digits == 1 { e.to_digit(8).unwrap_or(0) } else { 0 };
                let mut k = start_digits;
                while k < max && i < chars.len() && ('0'..='7').contains(&chars[i]) {
                    n = n * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(char::from_u32(n & 0xff).unwrap_or('\u{fffd}'));
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

/// Splits text into lines, each without its `\n`; a last line without `\n` counts.
pub(crate) fn lines(data: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut v: Vec<String> = text.split('\n').map(str::to_string).collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// Turns a BRE (grep, sed) into the regex crate's syntax: `\(` `\)` `\{` `\}` `\|`
/// `\+` `\?` are the operators, and `( ) { } | + ?` are literal.
pub(crate) fn bre_to_ere(bre: &str) -> String {
    let mut out = String::new();
    let mut chars = bre.chars().peekable();
    let mut in_class = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if in_class {
            if c == ']' {
                in_class = false;
            }
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => match chars.next() {
                Some(n @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            '*' if at_start => out.push_str("\\*"),
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            c => out.push(c),
        }
        at_start = c == '^' && out.len() == 1;
    }
    out
}

/// Adapts POSIX bracket quirks for the regex crate (`[]abc]`, `[^]]`), in EREs.
pub(crate) fn ere_fixup(ere: &str) -> String {
    let mut out = String::new();
    let mut chars = ere.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        if in_class {
            if c == ']' {
                in_class = false;
            } else if c == '[' && chars.peek() != Some(&':') {
                out.push('\\');
            }
            out.push(c);
            continue;
        }
        match c {
            '\\' => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Compiles a user regex with a size limit (no blow-up on `a{1000}{1000}`).
pub(crate) fn compile_regex(pattern: &str, ignore_case: bool) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .nest_limit(64)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "regular expression too big".to_string(),
            _ => {
                let text = e.to_string();
                if text.contains("unclosed group") {
                    "Unmatched ( or \\(".to_string()
                } else if text.contains("unclosed character class") {
                    "Unmatched [, [^, [:, [., or [=".to_string()
                } else if text.contains("unopened group") {
                    "Unmatched ) or \\)".to_string()
                } else {
                    "Invalid regular expression".to_string()
                }
            }
        })
}
