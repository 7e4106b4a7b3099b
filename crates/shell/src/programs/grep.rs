//! grep: BRE by default, `-E` extended, `-F` fixed strings, with the usual flags.

use super::{bre_to_ere, compile_regex, ere_fixup, getopt, Ctx};

pub(crate) fn grep(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(
        ctx,
        "ivncEFoqwrRlLhHe:sxA:B:C:m:",
        &[
            ("ignore-case", 'i'),
            ("invert-match", 'v'),
            ("line-number", 'n'),
            ("count", 'c'),
            ("extended-regexp", 'E'),
            ("fixed-strings", 'F'),
            ("only-matching", 'o'),
            ("quiet", 'q'),
            ("silent", 'q'),
            ("word-regexp", 'w'),
            ("line-regexp", 'x'),
            ("recursive", 'r'),
            ("files-with-matches", 'l'),
            ("files-without-match", 'L'),
            ("no-filename", 'h'),
            ("with-filename", 'H'),
            ("regexp", 'e'),
            ("no-messages", 's'),
            ("max-count", 'm'),
            ("color", 'Z'),
            ("colour", 'Z'),
        ],
        2,
    ) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let mut operands = opts.operands.clone();
    let patterns: Vec<String> = if opts.has('e') {
        opts.values('e').into_iter().map(str::to_string).collect()
    } else if operands.is_empty() {
        ctx.io.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
        return 2;
    } else {
        vec![operands.remove(0)]
    };
    let extended = opts.has('E') || ctx.name == "egrep";
    let fixed = opts.has('F') || ctx.name == "fgrep";
    // One pattern argument may hold several patterns, one a line.
    let mut alternatives = Vec::new();
    for p in patterns.iter().flat_map(|p| p.split('\n')) {
        let re = if fixed {
            regex::escape(p)
        } else if extended {
            ere_fixup(p)
        } else {
            bre_to_ere(p)
        };
        alternatives.push(format!("(?:{re})"));
    }
    let mut pattern = alternatives.join("|");
    if opts.has('w') {
        pattern = format!(r"\b(?:{pattern})\b");
    }
    if opts.has('x') {
        pattern = format!("^(?:{pattern})$");
    }
    let re = match compile_regex(&pattern, opts.has('i')) {
        Ok(re) => re,
        Err(msg) => {
            ctx.err(&msg);
            return 2;
        }
    };
    let recursive = opts.has('r') || opts.has('R');
    let implicit_dot = operands.is_empty() && recursive;
    if implicit_dot {
        operands.push(".".to_string());
    }
    let mut files: Vec<(String, Option<String>)> = Vec::new(); // (shown name, path or None for stdin)
    let mut status_err = false;
    if operands.is_empty() {
        files.push(("(standard input)".to_string(), None));
    }
    for op in &operands {
        if op == "-" {
            files.push(("(standard input)".to_string(), None));
            continue;
        }
        let path = ctx.resolve(op);
        if ctx.io.vfs.is_dir(&path) {
            if recursive {
                for p in ctx.io.vfs.walk(&path) {
                    if ctx.io.vfs.is_file(&p) {
                        let rel = &p[path.len()..];
                        let shown = if implicit_dot { rel.trim_start_matches('/').to_string() } else { format!("{}{rel}", op.trim_end_matches('/')) };
                        files.push((shown, Some(p)));
                    }
                }
            } else {
                if !opts.has('s') {
                    ctx.err(&format!("{op}: Is a directory"));
                }
                status_err = true;
            }
            continue;
        }
        files.push((op.clone(), Some(path)));
    }
    let show_names = (files.len() > 1 || recursive || opts.has('H')) && !opts.has('h');
    let max = opts.value('m').and_then(|m| m.parse::<usize>().ok());
    let mut any = false;
    let mut out = String::new();
    for (shown, path) in files {
        if !out.is_empty() {
            ctx.out(std::mem::take(&mut out));
        }
        let data = match &path {
            None => ctx.stdin(),
            Some(p) => match ctx.io.vfs.read(p) {
                Ok(d) => d.to_vec(),
                Err(e) => {
                    if !opts.has('s') {
                        ctx.err(&format!("{shown}: {e}"));
                    }
                    status_err = true;
                    continue;
                }
            },
        };
        let text = String::from_utf8_lossy(&data);
        let mut count = 0usize;
        let prefix_sep = |n: usize, sep: char| -> String {
            let mut p = String::new();
            if show_names {
                p.push_str(&shown);
                p.push(sep);
            }
            if opts.has('n') {
                p.push_str(&n.to_string());
                p.push(sep);
            }
            p
        };
        let prefix = |n: usize| prefix_sep(n, ':');
        let context = !(opts.has('o') || opts.has('c') || opts.has('l') || opts.has('L'));
        let after = if context { opts.value('A').or(opts.value('C')).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) } else { 0 };
        let before = if context { opts.value('B').or(opts.value('C')).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) } else { 0 };
        let mut next_unprinted = 0usize;
        let mut printed_any = false;

        let mut after_left = 0usize;
        let all_lines: Vec<&str> = {
            let mut v: Vec<&str> = text.split('\n').collect();
            if v.last() == Some(&"") {
                v.pop();
            }
            v
        };
        for (i, line) in all_lines.iter().enumerate() {
            if max.is_some_and(|m| count >= m) && after_left == 0 {
                break;
            }
            let matched = re.is_match(line) != opts.has('v') && max.is_none_or(|m| count < m);
            if !matched {
                if after_left > 0 {
                    after_left -= 1;
                    out.push_str(&prefix_sep(i + 1, '-'));
                    out.push_str(line);
                    out.push('\n');
                    next_unprinted = i + 1;
                }
                continue;
            }
            if after > 0 || before > 0 {
                let from = i.saturating_sub(before).max(next_unprinted);
                // A `--` line separates groups of context that are not adjacent.
                if printed_any && from > next_unprinted {
                    out.push_str("--\n");
                }
                for (k, l) in all_lines.iter().enumerate().take(i).skip(from) {
                    out.push_str(&prefix_sep(k + 1, '-'));
                    out.push_str(l);
                    out.push('\n');
                }
                next_unprinted = i + 1;
                after_left = after;
                printed_any = true;
            }
            count += 1;
            any = true;
            if opts.has('q') {
                return 0;
            }
            if opts.has('c') || opts.has('l') || opts.has('L') {
                continue;
            }
            if opts.has('o') && !opts.has('v') {
                for m in re.find_iter(line) {
                    if !m.as_str().is_empty() {
                        out.push_str(&prefix(i + 1));
                        out.push_str(m.as_str());
                        out.push('\n');
                    }
                }
            } else {
                out.push_str(&prefix(i + 1));
                out.push_str(line);
                out.push('\n');
            }
        }
        if opts.has('c') {
            if show_names {
                out.push_str(&format!("{shown}:{count}\n"));
            } else {
                out.push_str(&format!("{count}\n"));
            }
        }
        if opts.has('l') && count > 0 {
            out.push_str(&shown);
            out.push('\n');
        }
        if opts.has('L') && count == 0 {
            out.push_str(&shown);
            out.push('\n');
        }
    }
    ctx.out(out);
    if status_err && !(any && opts.has('q')) {
        2
    } else if any {
        0
    } else {
        1
    }
}
