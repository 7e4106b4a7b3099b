//! Brace expansion: `{a,b}` and `{1..5}` (also `{01..10}`, `{a..e}`, `{1..9..2}`),
//! applied to unquoted literal text before any other expansion, as bash does.

use crate::ast::{Part, Word};

/// The most words one brace expression may produce.
const MAX_WORDS: usize = 10_000;

/// Expands the braces in a word; the word itself when it has none.
pub(crate) fn expand(word: &Word) -> Vec<Word> {
    let mut out = Vec::new();
    expand_into(word, &mut out, 0);
    out
}

fn expand_into(word: &Word, out: &mut Vec<Word>, depth: u32) {
    if depth > 32 || out.len() >= MAX_WORDS {
        out.push(word.clone());
        return;
    }
    for (index, part) in word.parts.iter().enumerate() {
        let Part::Lit(text) = part else { continue };
        let Some((start, end, items)) = find_brace(text) else { continue };
        let (prefix, suffix) = (&text[..start], &text[end + 1..]);
        for item in items {
            if out.len() >= MAX_WORDS {
                return;
            }
            let mut copy = word.clone();
            copy.parts[index] = Part::Lit(format!("{prefix}{item}{suffix}"));
            expand_into(&copy, out, depth + 1);
        }
        return;
    }
    out.push(word.clone());
}

/// The first expandable `{...}` in `text`: its byte range and the items.
fn find_brace(text: &str) -> Option<(usize, usize, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut search = 0;
    while let Some(offset) = text[search..].find('{') {
        let start = search + offset;
        let mut depth = 0;
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().skip(start) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end?;
        let inner = &text[start + 1..end];
        if let Some(items) = sequence(inner) {
            return Some((start, end, items));
        }
        let items = split_top_level(inner);
        if items.len() > 1 {
            return Some((start, end, items));
        }
        search = start + 1;
    }
    None
}

fn split_top_level(inner: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in inner.chars() {
        match c {
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => items.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    items.push(cur);
    items
}

/// `1..5`, `5..1`, `01..10`, `a..e`, `1..10..3`.
fn sequence(inner: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = inner.split("..").collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let step: i64 = match parts.get(2) {
        Some(s) => s.parse::<i64>().ok()?.checked_abs()?.max(1),
        None => 1,
    };
    let (a, b) = (parts[0], parts[1]);
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        let width = if (a.starts_with('0') && a.len() > 1) || (b.starts_with('0') && b.len() > 1) || a.starts_with("-0") {
            a.len().max(b.len())
        } else {
            0
        };
        let count = (x.abs_diff(y) / step as u64) as usize + 1;
        if count > MAX_WORDS {
            return None;
        }
        let dir = if y >= x { step } else { -step };
        return Some((0..count).map(|k| format!("{:0width$}", x + dir * k as i64, width = width)).collect());
    }
    let (mut ca, mut cb) = (a.chars(), b.chars());
    match (ca.next(), ca.next(), cb.next(), cb.next()) {
        (Some(x), None, Some(y), None) if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            let (x, y) = (x as i64, y as i64);
            let dir = if y >= x { step } else { -step };
            let count = (x.abs_diff(y) / step as u64) as usize + 1;
            Some((0..count).filter_map(|k| char::from_u32((x + dir * k as i64) as u32)).map(String::from).collect())
        }
        _ => None,
    }
}
