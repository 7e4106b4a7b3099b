//! Glob patterns (`*`, `?`, `[...]`, `\` escapes): matching strings, and expanding a
//! pattern against the virtual filesystem.
//!
//! Matching is iterative with a single backtrack point per `*`, so it is linear-ish
//! and cannot blow up on patterns like `*a*a*a*b`.

use crate::vfs::Vfs;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Char(char),
    Any,
    Star,
    Class { negate: bool, items: Vec<(char, char)> },
}

fn compile(pat: &str) -> Vec<Tok> {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(Tok::Char(chars[i + 1]));
                i += 2;
                continue;
            }
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
            }
            '?' => out.push(Tok::Any),
            '[' => {
                if let Some((tok, next)) = compile_class(&chars, i) {
                    out.push(tok);
                    i = next;
                    continue;
                }
                out.push(Tok::Char('['));
            }
            c => out.push(Tok::Char(c)),
        }
        i += 1;
    }
    out
}

/// Parses `[...]` starting at `start`; returns the class and the index after `]`.
fn compile_class(chars: &[char], start: usize) -> Option<(Tok, usize)> {
    let mut i = start + 1;
    let negate = matches!(chars.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Tok::Class { negate, items }, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let ranges: &[(char, char)] = match name {
                    "alpha" => &[('a', 'z'), ('A', 'Z')],
                    "digit" => &[('0', '9')],
                    "alnum" => &[('a', 'z'), ('A', 'Z'), ('0', '9')],
                    "upper" => &[('A', 'Z')],
                    "lower" => &[('a', 'z')],
                    "space" => &[(' ', ' '), ('\t', '\r')],
                    "xdigit" => &[('0', '9'), ('a', 'f'), ('A', 'F')],
                    "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
                    _ => &[],
                };
                items.extend_from_slice(ranges);
                i += 2 + end + 2;
                continue;
            }
        }
        let c = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            let end = chars[i + 2];
            items.push((c, end));
            i += 3;
        } else {
            items.push((c, c));
            i += 1;
        }
    }
}

fn tok_matches(tok: &Tok, c: char) -> bool {
    match tok {
        Tok::Char(p) => *p == c,
        Tok::Any => true,
        Tok::Star => true,
        Tok::Class { negate, items } => items.iter().any(|(a, b)| *a <= c && c <= *b) != *negate,
    }
}

/// True when the whole of `text` matches the glob `pat`.
pub fn glob_match(pat: &str, text: &str) -> bool {
    let mut budget = usize::MAX;
    glob_match_counted(pat, text, &mut budget).unwrap_or(false)
}

/// Like [`glob_match`], taking one unit of `budget` per step; `None` when it runs out.
/// Works on byte offsets without copying `text`, so a quick mismatch costs little.
pub fn glob_match_counted(pat: &str, text: &str, budget: &mut usize) -> Option<bool> {
    let toks = compile(pat);
    *budget = budget.checked_sub(toks.len() + 1)?;
    let char_at = |i: usize| text[i..].chars().next();
    let (mut p, mut t) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while let Some(c) = char_at(t) {
        *budget = budget.checked_sub(1)?;
        match toks.get(p) {
            Some(Tok::Star) => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(tok) if tok_matches(tok, c) => {
                p += 1;
                t += c.len_utf8();
            }
            _ => match backtrack {
                Some((bp, bt)) => {
                    let next = bt + char_at(bt).map(char::len_utf8).unwrap_or(1);
                    p = bp + 1;
                    t = next;
                    backtrack = Some((bp, next));
                }
                None => return Some(false),
            },
        }
    }
    Some(toks[p.min(toks.len())..].iter().all(|t| *t == Tok::Star))
}

/// True when the pattern has an unescaped `*`, `?` or `[`.
pub fn has_glob(pat: &str) -> bool {
    let mut escaped = false;
    for c in pat.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Escapes the glob characters of `s` so that it matches only itself.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Removes the escapes of a pattern (the literal text it stands for).
pub fn unescape(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len());
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Expands a pattern against the filesystem; the matches, sorted, as the learner would
/// write them (relative stays relative). Empty when nothing matches.
pub fn expand(vfs: &Vfs, cwd: &str, pat: &str) -> Vec<String> {
    let absolute = pat.starts_with('/');
    let components: Vec<&str> = pat.split('/').collect();
    // (shown text, absolute path)
    let mut current: Vec<(String, String)> =
        vec![if absolute { ("/".to_string(), "/".to_string()) } else { (String::new(), cwd.to_string()) }];
    let comps: Vec<&str> = if absolute { components[1..].to_vec() } else { components };
    let count = comps.len();
    for (index, comp) in comps.into_iter().enumerate() {
        let last = index + 1 == count;
        let mut next = Vec::new();
        if comp.is_empty() {
            // A trailing or doubled slash: keep directories only.
            for (shown, path) in current {
                if vfs.is_dir(&path) {
                    let shown = if shown.ends_with('/') || shown.is_empty() { shown } else { format!("{shown}/") };
                    next.push((shown, path));
                }
            }
            current = next;
            continue;
        }
        for (shown, path) in &current {
            let join = |name: &str| {
                let s = if shown.is_empty() || shown.ends_with('/') { format!("{shown}{name}") } else { format!("{shown}/{name}") };
                let p = if path == "/" { format!("/{name}") } else { format!("{path}/{name}") };
                (s, p)
            };
            if has_glob(comp) {
                let Ok(names) = vfs.list_dir(path) else { continue };
                for name in names {
                    if name.starts_with('.') && !comp.starts_with('.') && !comp.starts_with("\\.") {
                        continue;
                    }
                    if glob_match(comp, &name) {
                        next.push(join(&name));
                    }
                }
            } else {
                let name = unescape(comp);
                let (s, p) = match name.as_str() {
                    "." | ".." => {
                        let s = if shown.is_empty() || shown.ends_with('/') { format!("{shown}{name}") } else { format!("{shown}/{name}") };
                        (s, crate::vfs::resolve(path, "/", &name))
                    }
                    _ => join(&name),
                };
                if vfs.exists(&p) || !last {
                    next.push((s, p));
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    let mut out: Vec<String> = current.into_iter().filter(|(_, p)| vfs.exists(p)).map(|(s, _)| s).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(glob_match("*.yaml", "pod.yaml"));
        assert!(!glob_match("*.yaml", "pod.yml"));
        assert!(glob_match("p?d*", "pod.yaml"));
        assert!(glob_match("[a-c]*", "b"));
        assert!(!glob_match("[!a-c]*", "b"));
        assert!(glob_match("\\*", "*"));
        assert!(!glob_match("\\*", "a"));
        assert!(glob_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!glob_match("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(glob_match("", ""));
        assert!(glob_match("[[:digit:]]x", "1x"));
    }
}
