//! `test` and `[`: POSIX's rules by argument count, then `-a`, `-o`, `!` and parentheses.

use super::Ctx;
use crate::vfs::Vfs;

enum E {
    /// Status 2 with a message (already worded as bash does, after `bash: [: `).
    Syntax(String),
}

pub(crate) fn test(ctx: &mut Ctx) -> i32 {
    let mut args: Vec<String> = ctx.args.to_vec();
    if ctx.name == "[" {
        if args.last().map(String::as_str) != Some("]") {
            ctx.builtin_err("missing `]'");
            return 2;
        }
        args.pop();
    }
    let vfs: &Vfs = ctx.io.vfs;
    let resolve = |p: &str| ctx.io.resolve(p);
    let env = ctx.io.env;
    let r = eval(&args, vfs, &resolve, &|n: &str| env.contains_key(n));
    match r {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(E::Syntax(msg)) => {
            ctx.builtin_err(&msg);
            2
        }
    }
}

type Resolve<'a> = &'a dyn Fn(&str) -> String;

fn eval(args: &[String], vfs: &Vfs, resolve: Resolve, is_set: &dyn Fn(&str) -> bool) -> Result<bool, E> {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        [] => Ok(false),
        [x] => Ok(!x.is_empty()),
        ["!", x] => Ok(x.is_empty()),
        [op, x] if is_unary(op) => Ok(unary_with(vfs, resolve, is_set, op, x)),
        [op, _] => Err(E::Syntax(format!("{op}: unary operator expected"))),
        [l, op, r] if is_binary(op) => binary(vfs, resolve, l, op, r),
        ["!", op, x] => eval(&args[1..], vfs, resolve, is_set).map(|b| !b).or_else(|_| {
            if is_unary(op) {
                Ok(!unary_with(vfs, resolve, is_set, op, x))
            } else {
                Err(E::Syntax(format!("{op}: unary operator expected")))
            }
        }),
        ["(", x, ")"] => Ok(!x.is_empty()),
        [l, "-a", r] => Ok(!l.is_empty() && !r.is_empty()),
        [l, "-o", r] => Ok(!l.is_empty() || !r.is_empty()),
        [_, op, _] => Err(E::Syntax(format!("{op}: binary operator expected"))),
        ["!", ..] if a.len() == 4 => eval(&args[1..], vfs, resolve, is_set).map(|b| !b),
        ["(", .., ")"] if a.len() == 4 => eval(&args[1..3], vfs, resolve, is_set),
        _ => {
            let mut p = Parser { a: &a, pos: 0, vfs, resolve, is_set, depth: 0 };
            let v = p.or()?;
            if p.pos != a.len() {
                return Err(E::Syntax("too many arguments".to_string()));
            }
            Ok(v)
        }
    }
}

struct Parser<'a> {
    a: &'a [&'a str],
    pos: usize,
    vfs: &'a Vfs,
    resolve: Resolve<'a>,
    is_set: &'a dyn Fn(&str) -> bool,
    depth: u32,
}

impl Parser<'_> {
    fn or(&mut self) -> Result<bool, E> {
        let mut v = self.and()?;
        while self.a.get(self.pos) == Some(&"-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }
    fn and(&mut self) -> Result<bool, E> {
        let mut v = self.not()?;
        while self.a.get(self.pos) == Some(&"-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }
    fn not(&mut self) -> Result<bool, E> {
        if self.a.get(self.pos) == Some(&"!") {
            self.pos += 1;
            self.depth += 1;
            if self.depth > 64 {
                return Err(E::Syntax("expression too deep".into()));
            }
            return self.not().map(|b| !b);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<bool, E> {
        let a = self.a;
        let Some(&x) = a.get(self.pos) else { return Err(E::Syntax("argument expected".into())) };
        if x == "(" {
            self.pos += 1;
            self.depth += 1;
            if self.depth > 64 {
                return Err(E::Syntax("expression too deep".into()));
            }
            let v = self.or()?;
            if a.get(self.pos) != Some(&")") {
                return Err(E::Syntax("`)' expected".into()));
            }
            self.pos += 1;
            return Ok(v);
        }
        if let (Some(op), Some(r)) = (a.get(self.pos + 1), a.get(self.pos + 2)) {
            if is_binary(op) {
                self.pos += 3;
                return binary(self.vfs, self.resolve, x, op, r);
            }
        }
        if is_unary(x) {
            if let Some(arg) = a.get(self.pos + 1) {
                self.pos += 2;
                return Ok(unary_with(self.vfs, self.resolve, self.is_set, x, arg));
            }
        }
        self.pos += 1;
        Ok(!x.is_empty())
    }
}

fn is_unary(op: &str) -> bool {
    matches!(op, "-e" | "-f" | "-d" | "-s" | "-r" | "-w" | "-x" | "-z" | "-n" | "-L" | "-h" | "-a" | "-b" | "-c" | "-p" | "-S" | "-v" | "-t" | "-g" | "-u" | "-k" | "-O" | "-G" | "-N")
}

fn is_binary(op: &str) -> bool {
    matches!(op, "=" | "==" | "!=" | "<" | ">" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-nt" | "-ot" | "-ef")
}

fn unary_with(vfs: &Vfs, resolve: Resolve, is_set: &dyn Fn(&str) -> bool, op: &str, arg: &str) -> bool {
    if op == "-v" {
        return is_set(arg);
    }
    unary_vfs(vfs, resolve, op, arg)
}

/// File and string tests shared with `[[ ]]`.
pub(crate) fn unary_vfs(vfs: &Vfs, resolve: Resolve, op: &str, arg: &str) -> bool {
    match op {
        "-z" => arg.is_empty(),
        "-n" => !arg.is_empty(),
        "-t" => false,
        _ => {
            if arg.is_empty() {
                return false;
            }
            let path = resolve(arg);
            let Ok(meta) = vfs.metadata(&path) else { return false };
            match op {
                "-e" | "-a" | "-r" => true,
                "-f" => meta.is_file(),
                "-d" => meta.is_dir(),
                "-s" => meta.len > 0,
                "-w" => meta.mode & 0o222 != 0,
                "-x" => meta.mode & 0o111 != 0,
                "-O" | "-G" => true,
                _ => false,
            }
        }
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

fn binary(vfs: &Vfs, resolve: Resolve, l: &str, op: &str, r: &str) -> Result<bool, E> {
    Ok(match op {
        "=" | "==" => l == r,
        "!=" => l != r,
        "<" => l < r,
        ">" => l > r,
        "-nt" | "-ot" | "-ef" => binary_files_vfs(vfs, resolve, l, op, r),
        _ => {
            let a = parse_int(l).ok_or_else(|| E::Syntax(format!("{l}: integer expression expected")))?;
            let b = parse_int(r).ok_or_else(|| E::Syntax(format!("{r}: integer expression expected")))?;
            match op {
                "-eq" => a == b,
                "-ne" => a != b,
                "-lt" => a < b,
                "-le" => a <= b,
                "-gt" => a > b,
                _ => a >= b,
            }
        }
    })
}

pub(crate) fn binary_files_vfs(vfs: &Vfs, resolve: Resolve, l: &str, op: &str, r: &str) -> bool {
    let (a, b) = (vfs.metadata(&resolve(l)), vfs.metadata(&resolve(r)));
    match op {
        "-nt" => match (a, b) {
            (Ok(a), Ok(b)) => a.mtime > b.mtime,
            (Ok(_), Err(_)) => true,
            _ => false,
        },
        "-ot" => match (a, b) {
            (Ok(a), Ok(b)) => a.mtime < b.mtime,
            (Err(_), Ok(_)) => true,
            _ => false,
        },
        _ => a.is_ok() && resolve(l) == resolve(r),
    }
}
