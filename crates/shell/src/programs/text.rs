//! Text programs: echo, printf, cat, head, tail, wc, sort, uniq, cut, tr, base64, tee, seq.

use super::{getopt, lines, unescape, Ctx, Escapes};

pub(crate) fn echo(ctx: &mut Ctx) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(arg) = ctx.args.get(i) {
        let flags = arg.strip_prefix('-').filter(|f| !f.is_empty() && f.chars().all(|c| matches!(c, 'n' | 'e' | 'E')));
        let Some(flags) = flags else { break };
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut text = ctx.args[i..].join(" ");
    if escapes {
        let (s, stop) = unescape(&text, Escapes::Echo);
        text = s;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    ctx.out(text);
    0
}

/// One `%` conversion of a printf format.
#[derive(Debug, Default, Clone)]
pub(crate) struct Spec {
    pub minus: bool,
    pub plus: bool,
    pub space: bool,
    pub zero: bool,
    pub alt: bool,
    pub width: Option<usize>,
    pub precision: Option<usize>,
    pub conv: char,
}

const MAX_WIDTH: usize = 1 << 16;

/// Parses a conversion at `chars[i]` (just after `%`); `*` takes from `star`.
pub(crate) fn parse_spec(chars: &[char], mut i: usize, star: &mut dyn FnMut() -> i64) -> (Spec, usize) {
    let mut spec = Spec::default();
    while let Some(&c) = chars.get(i) {
        match c {
            '-' => spec.minus = true,
            '+' => spec.plus = true,
            ' ' => spec.space = true,
            '0' => spec.zero = true,
            '#' => spec.alt = true,
            _ => break,
        }
        i += 1;
    }
    if chars.get(i) == Some(&'*') {
        let w = star();
        if w < 0 {
            spec.minus = true;
        }
        spec.width = Some((w.unsigned_abs() as usize).min(MAX_WIDTH));
        i += 1;
    } else {
        let mut w = None;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            w = Some((w.unwrap_or(0usize).saturating_mul(10).saturating_add(d as usize)).min(MAX_WIDTH));
            i += 1;
        }
        spec.width = w;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        if chars.get(i) == Some(&'*') {
            spec.precision = Some((star().max(0) as usize).min(MAX_WIDTH));
            i += 1;
        } else {
            let mut p = 0usize;
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                p = (p.saturating_mul(10).saturating_add(d as usize)).min(MAX_WIDTH);
                i += 1;
            }
            spec.precision = Some(p);
        }
    }
    // Length modifiers mean nothing here.
    while matches!(chars.get(i), Some('l') | Some('h') | Some('j') | Some('z') | Some('t') | Some('L')) {
        i += 1;
    }
    spec.conv = chars.get(i).copied().unwrap_or('\0');
    (spec, i + 1)
}

pub(crate) fn pad(spec: &Spec, body: String, numeric: bool) -> String {
    let len = body.chars().count();
    let Some(width) = spec.width.filter(|w| *w > len) else { return body };
    let fill = width - len;
    if spec.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body[1..].to_string()),
            _ => (String::new(), body),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

pub(crate) fn format_int(spec: &Spec, n: i64) -> String {
    let mut digits = match spec.conv {
        'x' => format!("{:x}", n),
        'X' => format!("{:X}", n),
        'o' => format!("{:o}", n),
        'u' => format!("{}", n as u64),
        _ => n.unsigned_abs().to_string(),
    };
    if let Some(p) = spec.precision {
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    if spec.alt && n != 0 {
        match spec.conv {
            'x' => digits.insert_str(0, "0x"),
            'X' => digits.insert_str(0, "0X"),
            'o' => digits.insert(0, '0'),
            _ => {}
        }
    }
    let signed = matches!(spec.conv, 'd' | 'i');
    let sign = if signed && n < 0 {
        "-"
    } else if signed && spec.plus {
        "+"
    } else if signed && spec.space {
        " "
    } else {
        ""
    };
    pad(spec, format!("{sign}{digits}"), spec.precision.is_none())
}

pub(crate) fn format_float(spec: &Spec, x: f64) -> String {
    let p = spec.precision.unwrap_or(6).min(64);
    let body = match spec.conv {
        'e' | 'E' => {
            let s = format!("{:.*e}", p, x);
            // Rust writes 1.5e2; C writes 1.5e+02.
            let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            let s = format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
            if spec.conv == 'E' {
                s.to_uppercase()
            } else {
                s
            }
        }
        'g' | 'G' => {
            let p = if p == 0 { 1 } else { p };
            let exp = if x == 0.0 { 0 } else { x.abs().log10().floor() as i32 };
            let s = if exp < -4 || exp >= p as i32 {
                let s = format!("{:.*e}", p - 1, x);
                let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
                let mant = if mant.contains('.') && !spec.alt { mant.trim_end_matches('0').trim_end_matches('.') } else { mant };
                let e: i32 = e.parse().unwrap_or(0);
                format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            } else {
                let decimals = (p as i32 - 1 - exp).max(0) as usize;
                let s = format!("{:.*}", decimals, x);
                if s.contains('.') && !spec.alt {
                    s.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    s
                }
            };
            if spec.conv == 'G' {
                s.to_uppercase()
            } else {
                s
            }
        }
        _ => format!("{:.*}", p, x),
    };
    let body = if x.is_sign_positive() && spec.plus {
        format!("+{body}")
    } else if x.is_sign_positive() && spec.space {
        format!(" {body}")
    } else {
        body
    };
    pad(spec, body, true)
}

/// Quotes a string so that bash reads it back as one word (`printf %q`).
pub(crate) fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".to_string();
    }
    if s.chars().any(|c| c.is_control()) {
        let mut out = String::from("$'");
        for c in s.chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\x1b' => out.push_str("\\E"),
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let special = matches!(
            c,
            ' ' | '\'' | '"' | '\\' | '$' | '`' | '!' | '&' | '|' | ';' | '(' | ')' | '<' | '>' | '*' | '?' | '[' | ']' | '{'
                | '}' | '#' | ','
        ) || (c == '~' && i == 0);
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn parse_printf_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return Some(rest.chars().next().map(|c| c as i64).unwrap_or(0));
    }
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let n = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    Some(if neg { -n } else { n })
}

pub(crate) fn printf(ctx: &mut Ctx) -> i32 {
    let mut args: Vec<String> = ctx.args.to_vec();
    if args.first().map(String::as_str) == Some("--") {
        args.remove(0);
    }
    let Some(fmt) = args.first().cloned() else {
        ctx.io.err("printf: usage: printf [-v var] format [arguments]\n");
        return 2;
    };
    let rest = &args[1..];
    let mut status = 0;
    let mut out = String::new();
    let mut next = 0usize;
    let chars: Vec<char> = fmt.chars().collect();
    loop {
        let start_next = next;
        let mut i = 0;
        let mut stop = false;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                // Escapes of the format itself.
                let mut j = i + 1;
                if chars.get(j) == Some(&'x') {
                    j += 1;
                    while j < chars.len() && j < i + 4 && chars[j].is_ascii_hexdigit() {
                        j += 1;
                    }
                } else if chars.get(j).is_some_and(|c| ('0'..='7').contains(c)) {
                    while j < chars.len() && j < i + 4 && ('0'..='7').contains(&chars[j]) {
                        j += 1;
                    }
                } else {
                    j += 1;
                }
                let piece: String = chars[i..j.min(chars.len())].iter().collect();
                out.push_str(&unescape(&piece, Escapes::Printf).0);
                i = j;
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            if chars.get(i + 1) == Some(&'%') {
                out.push('%');
                i += 2;
                continue;
            }
            let mut bad_star = false;
            let (spec, after) = parse_spec(&chars, i + 1, &mut || {
                let a = rest.get(next).cloned().unwrap_or_default();
                next += 1;
                parse_printf_int(&a).unwrap_or_else(|| {
                    bad_star = true;
                    0
                })
            });
            let _ = bad_star;
            i = after;
            let arg = rest.get(next).cloned();
            if spec.conv != '\0' {
                next += 1;
            }
            let arg_s = arg.clone().unwrap_or_default();
            match spec.conv {
                's' => {
                    let s = match spec.precision {
                        Some(p) => arg_s.chars().take(p).collect(),
                        None => arg_s,
                    };
                    out.push_str(&pad(&spec, s, false));
                }
                'b' => {
                    let (s, st) = unescape(&arg_s, Escapes::Echo);
                    out.push_str(&pad(&spec, s, false));
                    if st {
                        stop = true;
                        break;
                    }
                }
                'q' => out.push_str(&pad(&spec, shell_quote(&arg_s), false)),
                'c' => out.push_str(&pad(&spec, arg_s.chars().next().map(String::from).unwrap_or_default(), false)),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let n = if arg.is_none() || arg_s.is_empty() {
                        0
                    } else {
                        match parse_printf_int(&arg_s) {
                            Some(n) => n,
                            None => {
                                let lead: String = arg_s.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
                                ctx.builtin_err(&format!("{arg_s}: invalid number"));
                                status = 1;
                                lead.parse().unwrap_or(0)
                            }
                        }
                    };
                    out.push_str(&format_int(&spec, n));
                }
                'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                    let x = if arg_s.trim().is_empty() {
                        0.0
                    } else {
                        match arg_s.trim().parse::<f64>() {
                            Ok(x) => x,
                            Err(_) => {
                                ctx.builtin_err(&format!("{arg_s}: invalid number"));
                                status = 1;
                                0.0
                            }
                        }
                    };
                    out.push_str(&format_float(&spec, x));
                }
                '\0' => {
                    ctx.builtin_err("`%': missing format character");
                    status = 1;
                    stop = true;
                    break;
                }
                other => {
                    ctx.builtin_err(&format!("`{other}': invalid format character"));
                    status = 1;
                    stop = true;
                    break;
                }
            }
        }
        if stop || next >= rest.len() || next == start_next {
            break;
        }
        if out.len() > 16 << 20 {
            break;
        }
    }
    ctx.out(out);
    status
}

pub(crate) fn cat(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "nbsAEvT", &[("number", 'n')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let mut status = 0;
    let files = if opts.operands.is_empty() { vec!["-".to_string()] } else { opts.operands.clone() };
    let mut n = 0;
    for f in &files {
        let path = ctx.resolve(f);
        if f != "-" && ctx.io.vfs.is_dir(&path) {
            ctx.err(&format!("{f}: Is a directory"));
            status = 1;
            continue;
        }
        let Some(data) = ctx.read_input(f) else {
            status = 1;
            continue;
        };
        if opts.has('n') || opts.has('b') || opts.has('E') {
            let text = String::from_utf8_lossy(&data).into_owned();
            let mut out = String::new();
            for piece in text.split_inclusive('\n') {
                let (line, nl) = match piece.strip_suffix('\n') {
                    Some(l) => (l, true),
                    None => (piece, false),
                };
                if opts.has('b') && line.is_empty() || !(opts.has('n') || opts.has('b')) {
                } else {
                    n += 1;
                    out.push_str(&format!("{n:>6}\t"));
                }
                out.push_str(line);
                if nl {
                    if opts.has('E') {
                        out.push('$');
                    }
                    out.push('\n');
                }
            }
            ctx.out(out);
        } else {
            ctx.out(data);
        }
    }
    status
}

pub(crate) fn tac(ctx: &mut Ctx) -> i32 {
    let (inputs, ok) = ctx.inputs(ctx.args);
    for (_, data) in inputs {
        let mut ls = lines(&data);
        ls.reverse();
        let mut out = String::new();
        for l in ls {
            out.push_str(&l);
            out.push('\n');
        }
        ctx.out(out);
    }
    if ok {
        0
    } else {
        1
    }
}

pub(crate) fn rev(ctx: &mut Ctx) -> i32 {
    let (inputs, ok) = ctx.inputs(ctx.args);
    for (_, data) in inputs {
        let mut out = String::new();
        for l in lines(&data) {
            out.push_str(&l.chars().rev().collect::<String>());
            out.push('\n');
        }
        ctx.out(out);
    }
    if ok {
        0
    } else {
        1
    }
}

/// Rewrites `-5` into `-n 5` (head and tail accept both).
fn numeric_shorthand(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if i == 0 || !args[..i].iter().any(|p| p == "--") {
            if let Some(d) = a.strip_prefix('-') {
                if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) {
                    out.push("-n".to_string());
                    out.push(d.to_string());
                    continue;
                }
            }
        }
        out.push(a.clone());
    }
    out
}

fn head_tail(ctx: &mut Ctx, tail: bool) -> i32 {
    let args = numeric_shorthand(ctx.args);
    let opts = {
        let mut sub = Ctx { name: ctx.name, args: &args, io: &mut *ctx.io, used_stdin: false, tty: ctx.tty };
        getopt(&mut sub, "n:c:qvf", &[("lines", 'n'), ("bytes", 'c'), ("quiet", 'q'), ("silent", 'q'), ("verbose", 'v'), ("follow", 'f')], 1)
    };
    let opts = match opts {
        Ok(o) => o,
        Err(s) => return s,
    };
    let (bytes_mode, spec) = match (opts.value('c'), opts.value('n')) {
        (Some(c), _) => (true, c.to_string()),
        (None, Some(n)) => (false, n.to_string()),
        (None, None) => (false, "10".to_string()),
    };
    let from_start = tail && spec.starts_with('+');
    let all_but = !tail && spec.starts_with('-');
    let digits = spec.trim_start_matches(['+', '-']);
    let count: usize = match digits.parse::<u64>() {
        Ok(n) => n.min(usize::MAX as u64) as usize,
        Err(_) => {
            let what = if bytes_mode { "number of bytes" } else { "number of lines" };
            ctx.err(&format!("invalid {what}: \u{2018}{spec}\u{2019}"));
            return 1;
        }
    };
    let files = opts.operands.clone();
    let show_headers = (files.len() > 1 && !opts.has('q')) || opts.has('v');
    let mut status = 0;
    let list = if files.is_empty() { vec!["-".to_string()] } else { files };
    for (k, f) in list.iter().enumerate() {
        let path = ctx.resolve(f);
        if f != "-" && ctx.io.vfs.is_dir(&path) {
            ctx.err(&format!("error reading '{f}': Is a directory"));
            status = 1;
            continue;
        }
        let data = match f.as_str() {
            "-" => ctx.stdin(),
            _ => match ctx.io.vfs.read(&path) {
                Ok(d) => d.to_vec(),
                Err(e) => {
                    ctx.err(&format!("cannot open '{f}' for reading: {e}"));
                    status = 1;
                    continue;
                }
            },
        };
        if show_headers {
            let name = if f == "-" { "standard input" } else { f };
            ctx.out(format!("{}==> {name} <==\n", if k > 0 { "\n" } else { "" }));
        }
        let out: Vec<u8> = if bytes_mode {
            let n = count.min(data.len());
            if tail {
                if from_start {
                    data[count.saturating_sub(1).min(data.len())..].to_vec()
                } else {
                    data[data.len() - n..].to_vec()
                }
            } else if all_but {
                data[..data.len() - n].to_vec()
            } else {
                data[..n].to_vec()
            }
        } else {
            let pieces: Vec<&[u8]> = data.split_inclusive(|b| *b == b'\n').collect();
            let n = count.min(pieces.len());
            let chosen: &[&[u8]] = if tail {
                if from_start {
                    &pieces[count.saturating_sub(1).min(pieces.len())..]
                } else {
                    &pieces[pieces.len() - n..]
                }
            } else if all_but {
                &pieces[..pieces.len() - n]
            } else {
                &pieces[..n]
            };
            chosen.concat()
        };
        ctx.out(out);
    }
    status
}

pub(crate) fn head(ctx: &mut Ctx) -> i32 {
    head_tail(ctx, false)
}

pub(crate) fn tail(ctx: &mut Ctx) -> i32 {
    head_tail(ctx, true)
}

pub(crate) fn wc(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "lwcmL", &[("lines", 'l'), ("words", 'w'), ("bytes", 'c'), ("chars", 'm')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let mut which: Vec<char> = ['l', 'w', 'm', 'c'].into_iter().filter(|c| opts.has(*c)).collect();
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let files = opts.operands.clone();
    let mut rows: Vec<([u64; 4], Option<String>)> = Vec::new();
    let mut status = 0;
    let mut any_stdin = files.is_empty();
    let list = if files.is_empty() { vec!["-".to_string()] } else { files.clone() };
    for f in &list {
        if f == "-" {
            any_stdin = true;
        }
        let path = ctx.resolve(f);
        if f != "-" && ctx.io.vfs.is_dir(&path) {
            ctx.err(&format!("{f}: Is a directory"));
            rows.push(([0, 0, 0, 0], Some(f.clone())));
            status = 1;
            continue;
        }
        let Some(data) = ctx.read_input(f) else {
            status = 1;
            continue;
        };
        let text = String::from_utf8_lossy(&data);
        let counts = [
            data.iter().filter(|b| **b == b'\n').count() as u64,
            text.split_whitespace().count() as u64,
            text.chars().count() as u64,
            data.len() as u64,
        ];
        rows.push((counts, if files.is_empty() { None } else { Some(f.clone()) }));
    }
    if rows.len() > 1 {
        let mut total = [0u64; 4];
        for (c, _) in &rows {
            for i in 0..4 {
                total[i] += c[i];
            }
        }
        rows.push((total, Some("total".to_string())));
    }
    // GNU: one number alone needs no padding; otherwise pad to the width of the total
    // byte count, or 7 when reading stdin.
    let width = if which.len() == 1 && rows.len() == 1 {
        1
    } else if any_stdin {
        7
    } else {
        let bytes: u64 = rows.last().map(|(c, _)| c[3]).unwrap_or(0);
        bytes.to_string().len().max(1)
    };
    let mut out = String::new();
    for (counts, name) in rows {
        let nums: Vec<String> = which
            .iter()
            .map(|c| {
                let v = match c {
                    'l' => counts[0],
                    'w' => counts[1],
                    'm' => counts[2],
                    _ => counts[3],
                };
                format!("{v:>width$}")
            })
            .collect();
        out.push_str(&nums.join(" "));
        if let Some(n) = name {
            out.push(' ');
            out.push_str(&n);
        }
        out.push('\n');
    }
    ctx.out(out);
    status
}

#[derive(Debug, Clone)]
struct Key {
    start_field: usize,
    start_char: usize,
    end_field: Option<usize>,
    numeric: bool,
    reverse: bool,
}

fn parse_key(spec: &str) -> Option<Key> {
    let (start, end) = match spec.split_once(',') {
        Some((s, e)) => (s, Some(e)),
        None => (spec, None),
    };
    let split_mods = |s: &str| -> (String, String) {
        let i = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
        (s[..i].to_string(), s[i..].to_string())
    };
    let (s, mods1) = split_mods(start);
    let (sf, sc) = match s.split_once('.') {
        Some((f, c)) => (f.parse::<usize>().ok()?, c.parse::<usize>().ok()?),
        None => (s.parse::<usize>().ok()?, 1),
    };
    let (end_field, mods2) = match end {
        Some(e) => {
            let (e, m) = split_mods(e);
            let f = e.split('.').next()?.parse::<usize>().ok()?;
            (Some(f), m)
        }
        None => (None, String::new()),
    };
    if sf == 0 {
        return None;
    }
    let mods = format!("{mods1}{mods2}");
    Some(Key { start_field: sf, start_char: sc.max(1), end_field, numeric: mods.contains('n'), reverse: mods.contains('r') })
}

fn fields_of(line: &str, sep: Option<char>) -> Vec<&str> {
    match sep {
        Some(c) => line.split(c).collect(),
        None => {
            // Without -t, a field is its leading blanks plus the non-blanks after them.
            let mut out = Vec::new();
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let start = i;
                while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                    i += 1;
                }
                while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
                    i += 1;
                }
                out.push(&line[start..i]);
            }
            out
        }
    }
}

fn key_text(line: &str, key: &Key, sep: Option<char>) -> String {
    let fields = fields_of(line, sep);
    let from = key.start_field - 1;
    if from >= fields.len() {
        return String::new();
    }
    let to = key.end_field.map(|e| e.min(fields.len())).unwrap_or(fields.len());
    if to <= from {
        return String::new();
    }
    let joined = fields[from..to].join(&sep.map(String::from).unwrap_or_default());
    joined.chars().skip(key.start_char - 1).collect()
}

fn numeric_value(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

fn human_value(s: &str) -> f64 {
    let t = s.trim();
    let n = numeric_value(t);
    let suffix = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-').chars().next();
    let mult = match suffix {
        Some('K') | Some('k') => 1e3,
        Some('M') => 1e6,
        Some('G') => 1e9,
        Some('T') => 1e12,
        _ => 1.0,
    };
    n * mult
}

pub(crate) fn sort(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(
        ctx,
        "nrut:k:fhVbo:",
        &[("numeric-sort", 'n'), ("reverse", 'r'), ("unique", 'u'), ("field-separator", 't'), ("key", 'k'), ("ignore-case", 'f'), ("human-numeric-sort", 'h'), ("version-sort", 'V')],
        2,
    ) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let sep = match opts.value('t') {
        Some(t) if t.chars().count() == 1 => t.chars().next(),
        Some("\\t") => Some('\t'),
        Some(t) => {
            ctx.err(&format!("multi-character tab '{t}'"));
            return 2;
        }
        None => None,
    };
    let mut keys = Vec::new();
    for k in opts.values('k') {
        match parse_key(k) {
            Some(key) => keys.push(key),
            None => {
                if k.starts_with('0') {
                    ctx.err(&format!("field number is zero: invalid field specification \u{2018}{k}\u{2019}"));
                } else {
                    ctx.err(&format!("invalid number at field start: invalid count at start of \u{2018}{k}\u{2019}"));
                }
                return 2;
            }
        }
    }
    // GNU sort names an unreadable file as `sort: cannot read: NAME: REASON`.
    let mut all: Vec<String> = Vec::new();
    let operands = if opts.operands.is_empty() { vec!["-".to_string()] } else { opts.operands.clone() };
    for name in &operands {
        let data = if name == "-" {
            ctx.stdin()
        } else {
            let path = ctx.resolve(name);
            match ctx.io.vfs.read(&path) {
                Ok(d) => d.to_vec(),
                Err(e) => {
                    ctx.err(&format!("cannot read: {name}: {e}"));
                    return 2;
                }
            }
        };
        all.extend(lines(&data));
    }
    let numeric = opts.has('n');
    let human = opts.has('h');
    let fold = opts.has('f');
    let reverse = opts.has('r');
    let compare_text = |a: &str, b: &str, numeric: bool| -> std::cmp::Ordering {
        if numeric || human {
            let (x, y) = if human { (human_value(a), human_value(b)) } else { (numeric_value(a), numeric_value(b)) };
            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            a.to_lowercase().cmp(&b.to_lowercase())
        } else {
            a.cmp(b)
        }
    };
    all.sort_by(|a, b| {
        let mut ord = std::cmp::Ordering::Equal;
        for key in &keys {
            let (ka, kb) = (key_text(a, key, sep), key_text(b, key, sep));
            let o = compare_text(&ka, &kb, numeric || key.numeric);
            let o = if key.reverse { o.reverse() } else { o };
            if o != std::cmp::Ordering::Equal {
                ord = o;
                break;
            }
        }
        if ord == std::cmp::Ordering::Equal {
            ord = if keys.is_empty() { compare_text(a, b, numeric) } else { std::cmp::Ordering::Equal };
            if ord == std::cmp::Ordering::Equal && !opts.has('u') {
                ord = a.cmp(b);
            }
        }
        if reverse {
            ord.reverse()
        } else {
            ord
        }
    });
    if opts.has('u') {
        all.dedup_by(|a, b| {
            if keys.is_empty() {
                compare_text(a, b, numeric) == std::cmp::Ordering::Equal
            } else {
                keys.iter().all(|k| key_text(a, k, sep) == key_text(b, k, sep))
            }
        });
    }
    let mut out = String::new();
    for l in all {
        out.push_str(&l);
        out.push('\n');
    }
    if let Some(o) = opts.value('o') {
        let path = ctx.resolve(o);
        if let Err(e) = ctx.io.vfs.write(&path, out.into_bytes()) {
            ctx.err(&format!("open failed: {o}: {e}"));
            return 2;
        }
        return 0;
    }
    ctx.out(out);
    0
}

pub(crate) fn uniq(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "cdui", &[("count", 'c'), ("repeated", 'd'), ("unique", 'u'), ("ignore-case", 'i')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let input = opts.operands.first().cloned().unwrap_or_else(|| "-".to_string());
    let Some(data) = ctx.read_input(&input) else { return 1 };
    let mut groups: Vec<(String, usize)> = Vec::new();
    for l in lines(&data) {
        match groups.last_mut() {
            Some((prev, n)) if *prev == l || (opts.has('i') && prev.to_lowercase() == l.to_lowercase()) => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = String::new();
    for (l, n) in groups {
        if opts.has('d') && n < 2 || opts.has('u') && n > 1 {
            continue;
        }
        if opts.has('c') {
            out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if let Some(dest) = opts.operands.get(1) {
        let path = ctx.resolve(dest);
        if let Err(e) = ctx.io.vfs.write(&path, out.into_bytes()) {
            ctx.err(&format!("{dest}: {e}"));
            return 1;
        }
        return 0;
    }
    ctx.out(out);
    0
}

/// A cut list like `1,3-5,7-`: inclusive 1-based ranges.
fn parse_ranges(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for piece in spec.split(',') {
        let (a, b) = match piece.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() { usize::MAX } else { b.parse().ok()? },
            ),
            None => {
                let n: usize = piece.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

pub(crate) fn cut(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "d:f:c:b:s", &[("delimiter", 'd'), ("fields", 'f'), ("characters", 'c'), ("bytes", 'b'), ("only-delimited", 's')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let (mode, spec) = match (opts.value('f'), opts.value('c').or(opts.value('b'))) {
        (Some(f), None) => ('f', f.to_string()),
        (None, Some(c)) => ('c', c.to_string()),
        (Some(_), Some(_)) => {
            ctx.err("only one type of list may be specified");
            ctx.err_try_public();
            return 1;
        }
        (None, None) => {
            ctx.err("you must specify a list of bytes, characters, or fields");
            ctx.err_try_public();
            return 1;
        }
    };
    let Some(ranges) = parse_ranges(&spec) else {
        let zero = spec.split([',', '-']).any(|n| n == "0");
        ctx.err(match (zero, mode) {
            (true, 'f') => "fields are numbered from 1",
            (true, _) => "byte/character positions are numbered from 1",
            (false, 'f') => "invalid field range",
            _ => "invalid byte or character range",
        });
        ctx.err_try_public();
        return 1;
    };
    let delim = match opts.value('d') {
        Some(d) if d.chars().count() == 1 => d.chars().next().unwrap_or('\t'),
        Some(_) => {
            ctx.err("the delimiter must be a single character");
            ctx.err_try_public();
            return 1;
        }
        None => '\t',
    };
    let selected = |i: usize| ranges.iter().any(|(a, b)| *a <= i && i <= *b);
    let (inputs, ok) = ctx.inputs(&opts.operands);
    let mut out = String::new();
    for (_, data) in inputs {
        for l in lines(&data) {
            if mode == 'c' {
                let s: String = l.chars().enumerate().filter(|(i, _)| selected(i + 1)).map(|(_, c)| c).collect();
                out.push_str(&s);
                out.push('\n');
            } else if !l.contains(delim) {
                if !opts.has('s') {
                    out.push_str(&l);
                    out.push('\n');
                }
            } else {
                let picked: Vec<&str> = l.split(delim).enumerate().filter(|(i, _)| selected(i + 1)).map(|(_, f)| f).collect();
                out.push_str(&picked.join(&delim.to_string()));
                out.push('\n');
            }
        }
    }
    ctx.out(out);
    if ok {
        0
    } else {
        1
    }
}

impl Ctx<'_, '_> {
    pub(crate) fn err_try_public(&mut self) {
        let line = format!("Try '{} --help' for more information.\n", self.name);
        self.io.err(line);
    }
}

/// Expands a tr set: ranges, classes, escapes.
fn tr_set(spec: &str) -> Vec<char> {
    let (spec, _) = unescape(spec, super::Escapes::Printf);
    let chars: Vec<char> = spec.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let class: Vec<char> = match name {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec!['\t', '\n', '\x0b', '\x0c', '\r', ' '],
                    "blank" => vec!['\t', ' '],
                    "punct" => (0x21u8..=0x7e).map(char::from).filter(|c| c.is_ascii_punctuation()).collect(),
                    "xdigit" => ('0'..='9').chain('A'..='F').chain('a'..='f').collect(),
                    _ => Vec::new(),
                };
                out.extend(class);
                i += 2 + end + 2;
                continue;
            }
        }
        if i + 2 < chars.len() && chars[i + 1] == '-' && chars[i] <= chars[i + 2] {
            let (a, b) = (chars[i] as u32, chars[i + 2] as u32);
            if b - a < 0x10000 {
                out.extend((a..=b).filter_map(char::from_u32));
            }
            i += 3;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

pub(crate) fn tr(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "dscC", &[("delete", 'd'), ("squeeze-repeats", 's'), ("complement", 'c')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let delete = opts.has('d');
    let squeeze = opts.has('s');
    let complement = opts.has('c') || opts.has('C');
    let ops = &opts.operands;
    let need = if delete && !squeeze || squeeze && !delete && ops.len() == 1 { 1 } else { 2 };
    if ops.is_empty() {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    if ops.len() < need {
        ctx.err(&format!("missing operand after '{}'", ops[ops.len() - 1]));
        ctx.err("Two strings must be given when translating.");
        ctx.err_try_public();
        return 1;
    }
    if ops.len() > need && !(delete && squeeze) {
        ctx.err(&format!("extra operand '{}'", ops[need]));
        ctx.err_try_public();
        return 1;
    }
    let set1 = tr_set(&ops[0]);
    let set2 = ops.get(1).map(|s| tr_set(s)).unwrap_or_default();
    // Sets can hold tens of thousands of characters: look them up in maps, not lists.
    let index1: std::collections::BTreeMap<char, usize> = set1.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let in_set1 = |c: char| index1.contains_key(&c) != complement;
    let data = ctx.stdin();
    let text = String::from_utf8_lossy(&data);
    let mut out = String::new();
    let mut last: Option<char> = None;
    let squeeze_set: std::collections::BTreeSet<char> =
        if delete || ops.len() == 1 { set1.iter().copied().collect() } else { set2.iter().copied().collect() };
    for c in text.chars() {
        let mapped = if delete {
            if in_set1(c) {
                continue;
            }
            c
        } else if ops.len() >= 2 && !set2.is_empty() {
            if complement {
                if in_set1(c) {
                    *set2.last().unwrap_or(&c)
                } else {
                    c
                }
            } else {
                match index1.get(&c) {
                    Some(&i) => *set2.get(i).or(set2.last()).unwrap_or(&c),
                    None => c,
                }
            }
        } else {
            c
        };
        if squeeze && last == Some(mapped) && (squeeze_set.contains(&mapped) != (complement && ops.len() == 1)) {
            continue;
        }
        last = Some(mapped);
        out.push(mapped);
    }
    ctx.out(out);
    0
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(crate) fn base64_decode(text: &[u8], ignore_garbage: bool) -> Result<Vec<u8>, Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    let mut ended = false;
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                ended = true;
                continue;
            }
            b'\n' | b'\r' => continue,
            _ if ignore_garbage => continue,
            _ => return Err(out),
        };
        if ended {
            return Err(out);
        }
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err(out);
    }
    Ok(out)
}

pub(crate) fn base64(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "dw:i", &[("decode", 'd'), ("wrap", 'w'), ("ignore-garbage", 'i')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    if opts.operands.len() > 1 {
        ctx.err(&format!("extra operand '{}'", opts.operands[1]));
        ctx.err_try_public();
        return 1;
    }
    let input = opts.operands.first().cloned().unwrap_or_else(|| "-".to_string());
    let Some(data) = ctx.read_input(&input) else { return 1 };
    if opts.has('d') {
        match base64_decode(&data, opts.has('i')) {
            Ok(bytes) => {
                ctx.out(bytes);
                0
            }
            Err(partial) => {
                ctx.out(partial);
                ctx.err("invalid input");
                1
            }
        }
    } else {
        let wrap: usize = match opts.value('w').map(str::parse::<usize>) {
            None => 76,
            Some(Ok(w)) => w,
            Some(Err(_)) => {
                ctx.err(&format!("invalid wrap size: '{}'", opts.value('w').unwrap_or("")));
                return 1;
            }
        };
        let encoded = base64_encode(&data);
        let mut out = String::new();
        if wrap == 0 {
            out.push_str(&encoded);
        } else {
            let bytes = encoded.as_bytes();
            for chunk in bytes.chunks(wrap) {
                out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
                out.push('\n');
            }
        }
        ctx.out(out);
        0
    }
}

pub(crate) fn tee(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "ai", &[("append", 'a')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let data = ctx.stdin();
    let mut status = 0;
    for f in &opts.operands {
        let path = ctx.resolve(f);
        let r = if opts.has('a') { ctx.io.vfs.append(&path, &data) } else { ctx.io.vfs.write(&path, data.clone()) };
        if let Err(e) = r {
            ctx.err(&format!("{f}: {e}"));
            status = 1;
        }
    }
    ctx.out(data);
    status
}

pub(crate) fn seq(ctx: &mut Ctx) -> i32 {
    // Negative numbers are operands, not options.
    let mut sep = "\n".to_string();
    let mut width = false;
    let mut nums: Vec<String> = Vec::new();
    let mut i = 0;
    let args = ctx.args.to_vec();
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-s" => {
                i += 1;
                sep = args.get(i).cloned().unwrap_or_default();
            }
            "-w" => width = true,
            s if s.starts_with("-s") => sep = s[2..].to_string(),
            s => nums.push(s.to_string()),
        }
        i += 1;
    }
    let parsed: Vec<Option<f64>> = nums.iter().map(|n| n.parse::<f64>().ok().filter(|x| x.is_finite())).collect();
    if let Some(k) = parsed.iter().position(Option::is_none) {
        ctx.err(&format!("invalid floating point argument: \u{2018}{}\u{2019}", nums[k]));
        ctx.err_try_public();
        return 1;
    }
    let v: Vec<f64> = parsed.into_iter().flatten().collect();
    let (first, step, last) = match v.as_slice() {
        [l] => (1.0, 1.0, *l),
        [f, l] => (*f, 1.0, *l),
        [f, s, l] => (*f, *s, *l),
        [] => {
            ctx.err("missing operand");
            ctx.err_try_public();
            return 1;
        }
        _ => {
            ctx.err(&format!("extra operand '{}'", nums[3]));
            ctx.err_try_public();
            return 1;
        }
    };
    if step == 0.0 {
        ctx.err(&format!("invalid Zero increment value: '{}'", nums[1]));
        ctx.err_try_public();
        return 1;
    }
    let decimals = nums.iter().map(|n| n.split_once('.').map(|(_, d)| d.len()).unwrap_or(0)).max().unwrap_or(0);
    let count = ((last - first) / step).floor();
    if count < 0.0 {
        return 0;
    }
    // A million lines is plenty for a terminal; more is a runaway.
    let count = (count as u64).min(1_000_000);
    let mut items: Vec<String> = Vec::new();
    for k in 0..=count {
        let x = first + step * k as f64;
        items.push(format!("{:.*}", decimals, x));
    }
    if width {
        let w = items.iter().map(|s| s.len()).max().unwrap_or(0);
        for s in &mut items {
            let neg = s.starts_with('-');
            let digits = s.trim_start_matches('-').to_string();
            *s = format!("{}{:0>w$}", if neg { "-" } else { "" }, digits, w = w - neg as usize);
        }
    }
    let mut out = items.join(&sep);
    out.push('\n');
    ctx.out(out);
    0
}

pub(crate) fn clear(ctx: &mut Ctx) -> i32 {
    ctx.out("\x1b[H\x1b[2J");
    0
}

pub(crate) fn whoami(ctx: &mut Ctx) -> i32 {
    let user = ctx.io.env.get("USER").cloned().unwrap_or_else(|| "root".to_string());
    ctx.out(format!("{user}\n"));
    0
}

pub(crate) fn hostname(ctx: &mut Ctx) -> i32 {
    let host = ctx.io.env.get("HOSTNAME").cloned().unwrap_or_else(|| "kubeniwa".to_string());
    ctx.out(format!("{host}\n"));
    0
}

/// A plausible Linux `uname`: the sandbox looks like an x86_64 Ubuntu machine.
pub(crate) fn uname(ctx: &mut Ctx) -> i32 {
    let host = ctx.io.env.get("HOSTNAME").cloned().unwrap_or_else(|| "kubeniwa".to_string());
    let flags: String = ctx.args.iter().filter_map(|a| a.strip_prefix('-')).collect();
    let fields = [
        ('s', "Linux".to_string()),
        ('n', host),
        ('r', "6.8.0-kubeniwa".to_string()),
        ('v', "#1 SMP PREEMPT_DYNAMIC".to_string()),
        ('m', "x86_64".to_string()),
        ('o', "GNU/Linux".to_string()),
    ];
    let picked: Vec<String> = if flags.contains('a') {
        fields.iter().map(|(_, v)| v.clone()).collect()
    } else if flags.is_empty() {
        vec!["Linux".to_string()]
    } else {
        fields.iter().filter(|(c, _)| flags.contains(*c)).map(|(_, v)| v.clone()).collect()
    };
    ctx.out(format!("{}\n", picked.join(" ")));
    0
}

/// `paste [-s] [-d LIST] [FILE...]`: joins lines of files side by side (or, with
/// `-s`, each file's lines into one), separated by the delimiters of LIST in turn.
pub(crate) fn paste(ctx: &mut Ctx) -> i32 {
    let mut serial = false;
    let mut delims: Vec<char> = vec!['\t'];
    let mut files: Vec<String> = Vec::new();
    let args = ctx.args.to_vec();
    let mut i = 0;
    let mut only_files = false;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if only_files || a == "-" || !a.starts_with('-') {
            files.push(a.to_string());
            continue;
        }
        if a == "--" {
            only_files = true;
            continue;
        }
        if a == "--serial" {
            serial = true;
            continue;
        }
        let mut chars = a[1..].chars();
        while let Some(c) = chars.next() {
            match c {
                's' => serial = true,
                'd' => {
                    let rest: String = chars.by_ref().collect();
                    let list = if rest.is_empty() {
                        match args.get(i) {
                            Some(v) => {
                                i += 1;
                                v.clone()
                            }
                            None => {
                                ctx.err("option requires an argument -- 'd'\nTry 'paste --help' for more information.");
                                return 1;
                            }
                        }
                    } else {
                        rest
                    };
                    let (text, _) = super::unescape(&list, super::Escapes::Printf);
                    delims = text.chars().collect();
                    if delims.is_empty() {
                        delims = vec!['\0'];
                    }
                }
                other => {
                    ctx.err(&format!("invalid option -- '{other}'\nTry 'paste --help' for more information."));
                    return 1;
                }
            }
        }
    }
    if files.is_empty() {
        files.push("-".to_string());
    }
    let mut columns: Vec<Vec<String>> = Vec::new();
    let mut status = 0;
    // Several `-` take standard input's lines in turn (`paste - - -`: three a row).
    let dashes = files.iter().filter(|f| *f == "-").count();
    let stdin_lines = if dashes > 0 { lines(&ctx.stdin()) } else { Vec::new() };
    let mut dash = 0;
    for f in &files {
        if f == "-" {
            let col: Vec<String> = if serial && dash > 0 { Vec::new() } else if serial { stdin_lines.clone() } else { stdin_lines.iter().skip(dash).step_by(dashes).cloned().collect() };
            dash += 1;
            columns.push(col);
            continue;
        }
        let path = ctx.resolve(f);
        match ctx.io.vfs.read(&path) {
            Ok(d) => columns.push(lines(d)),
            Err(e) => {
                ctx.err(&format!("{f}: {e}"));
                status = 1;
                return status;
            }
        }
    }
    let join = |parts: &[String]| -> String {
        let mut out = String::new();
        for (k, p) in parts.iter().enumerate() {
            if k > 0 {
                let d = delims[(k - 1) % delims.len()];
                if d != '\0' {
                    out.push(d);
                }
            }
            out.push_str(p);
        }
        out
    };
    let mut out = String::new();
    if serial {
        for col in &columns {
            out.push_str(&join(col));
            out.push('\n');
        }
    } else {
        let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
        for r in 0..rows {
            let parts: Vec<String> = columns.iter().map(|c| c.get(r).cloned().unwrap_or_default()).collect();
            out.push_str(&join(&parts));
            out.push('\n');
        }
    }
    ctx.out(out);
    status
}
