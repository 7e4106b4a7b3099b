//! Unified diffs as `github.com/pmezard/go-difflib` writes them (a port of Python's
//! `difflib`), which `k8s.io/apimachinery/pkg/util/diff.Diff` uses in API server
//! messages (`spec is immutable after creation ...` followed by the diff).

use std::collections::BTreeMap;

/// `difflib.SplitLines`: lines with their `\n`, the last one given one.
pub fn split_lines(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = s.split_inclusive('\n').map(String::from).collect();
    if s.is_empty() || s.ends_with('\n') {
        lines.push(String::new());
    }
    if let Some(last) = lines.last_mut() {
        last.push('\n');
    }
    lines
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    a: usize,
    b: usize,
    size: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OpCode {
    tag: u8,
    i1: usize,
    i2: usize,
    j1: usize,
    j2: usize,
}

struct Matcher<'a> {
    a: &'a [String],
    b: &'a [String],
    b2j: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> Matcher<'a> {
    fn new(a: &'a [String], b: &'a [String]) -> Self {
        let mut b2j: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, line) in b.iter().enumerate() {
            b2j.entry(line.as_str()).or_default().push(i);
        }
        // autojunk: popular lines of a long sequence are not matched on.
        let n = b.len();
        if n >= 200 {
            let ntest = n / 100 + 1;
            b2j.retain(|_, idx| idx.len() <= ntest);
        }
        Matcher { a, b, b2j }
    }

    fn find_longest_match(&self, alo: usize, ahi: usize, blo: usize, bhi: usize) -> Match {
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
        let mut j2len: BTreeMap<usize, usize> = BTreeMap::new();
        for i in alo..ahi {
            let mut newj2len: BTreeMap<usize, usize> = BTreeMap::new();
            if let Some(js) = self.b2j.get(self.a[i].as_str()) {
                for &j in js {
                    if j < blo {
                        continue;
                    }
                    if j >= bhi {
                        break;
                    }
                    let k = if j > 0 { j2len.get(&(j - 1)).copied().unwrap_or(0) } else { 0 } + 1;
                    newj2len.insert(j, k);
                    if k > bestsize {
                        besti = i + 1 - k;
                        bestj = j + 1 - k;
                        bestsize = k;
                    }
                }
            }
            j2len = newj2len;
        }
        // Extend with equal lines the junk heuristic left out.
        while besti > alo && bestj > blo && !self.b2j.contains_key(self.b[bestj - 1].as_str()) && self.a[besti - 1] == self.b[bestj - 1] {
            besti -= 1;
            bestj -= 1;
            bestsize += 1;
        }
        while besti + bestsize < ahi && bestj + bestsize < bhi && !self.b2j.contains_key(self.b[bestj + bestsize].as_str()) && self.a[besti + bestsize] == self.b[bestj + bestsize] {
            bestsize += 1;
        }
        Match { a: besti, b: bestj, size: bestsize }
    }

    fn matching_blocks(&self) -> Vec<Match> {
        let (la, lb) = (self.a.len(), self.b.len());
        let mut queue = vec![(0, la, 0, lb)];
        let mut blocks = Vec::new();
        while let Some((alo, ahi, blo, bhi)) = queue.pop() {
            let m = self.find_longest_match(alo, ahi, blo, bhi);
            if m.size > 0 {
                blocks.push(m);
                if alo < m.a && blo < m.b {
                    queue.push((alo, m.a, blo, m.b));
                }
                if m.a + m.size < ahi && m.b + m.size < bhi {
                    queue.push((m.a + m.size, ahi, m.b + m.size, bhi));
                }
            }
        }
        blocks.sort_by_key(|m| (m.a, m.b, m.size));
        let mut merged: Vec<Match> = Vec::new();
        for m in blocks {
            match merged.last_mut() {
                Some(last) if last.a + last.size == m.a && last.b + last.size == m.b => last.size += m.size,
                _ => merged.push(m),
            }
        }
        merged.push(Match { a: la, b: lb, size: 0 });
        merged
    }

    fn opcodes(&self) -> Vec<OpCode> {
        let (mut i, mut j) = (0, 0);
        let mut codes = Vec::new();
        for m in self.matching_blocks() {
            let tag = match (i < m.a, j < m.b) {
                (true, true) => b'r',
                (true, false) => b'd',
                (false, true) => b'i',
                _ => 0,
            };
            if tag != 0 {
                codes.push(OpCode { tag, i1: i, i2: m.a, j1: j, j2: m.b });
            }
            i = m.a + m.size;
            j = m.b + m.size;
            if m.size > 0 {
                codes.push(OpCode { tag: b'e', i1: m.a, i2: i, j1: m.b, j2: j });
            }
        }
        codes
    }

    fn grouped_opcodes(&self, n: usize) -> Vec<Vec<OpCode>> {
        let mut codes = self.opcodes();
        if codes.is_empty() {
            codes.push(OpCode { tag: b'e', i1: 0, i2: 1, j1: 0, j2: 1 });
        }
        if let Some(c) = codes.first_mut().filter(|c| c.tag == b'e') {
            c.i1 = c.i1.max(c.i2.saturating_sub(n));
            c.j1 = c.j1.max(c.j2.saturating_sub(n));
        }
        if let Some(c) = codes.last_mut().filter(|c| c.tag == b'e') {
            c.i2 = c.i2.min(c.i1 + n);
            c.j2 = c.j2.min(c.j1 + n);
        }
        let nn = n + n;
        let mut groups = Vec::new();
        let mut group = Vec::new();
        for mut c in codes {
            if c.tag == b'e' && c.i2 - c.i1 > nn {
                group.push(OpCode { tag: b'e', i1: c.i1, i2: c.i2.min(c.i1 + n), j1: c.j1, j2: c.j2.min(c.j1 + n) });
                groups.push(std::mem::take(&mut group));
                c.i1 = c.i1.max(c.i2.saturating_sub(n));
                c.j1 = c.j1.max(c.j2.saturating_sub(n));
            }
            group.push(c);
        }
        if !group.is_empty() && !(group.len() == 1 && group[0].tag == b'e') {
            groups.push(group);
        }
        groups
    }
}

fn range_unified(start: usize, stop: usize) -> String {
    let mut beginning = start + 1;
    let length = stop - start;
    if length == 1 {
        return beginning.to_string();
    }
    if length == 0 {
        beginning -= 1;
    }
    format!("{beginning},{length}")
}

/// `difflib.GetUnifiedDiffString` without file names, `context` lines around changes:
/// empty when the texts are equal.
pub fn unified_diff(a: &str, b: &str, context: usize) -> String {
    let (la, lb) = (split_lines(a), split_lines(b));
    let m = Matcher::new(&la, &lb);
    let mut out = String::new();
    for group in m.grouped_opcodes(context) {
        let (first, last) = (group[0], group[group.len() - 1]);
        out.push_str(&format!("@@ -{} +{} @@\n", range_unified(first.i1, last.i2), range_unified(first.j1, last.j2)));
        for c in group {
            if c.tag == b'e' {
                for line in &la[c.i1..c.i2] {
                    out.push(' ');
                    out.push_str(line);
                }
                continue;
            }
            if c.tag == b'r' || c.tag == b'd' {
                for line in &la[c.i1..c.i2] {
                    out.push('-');
                    out.push_str(line);
                }
            }
            if c.tag == b'r' || c.tag == b'i' {
                for line in &lb[c.j1..c.j2] {
                    out.push('+');
                    out.push_str(line);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_three_lines_of_context() {
        let a = "{\n \"A\": [\n  \"x\"\n ],\n \"B\": null,\n \"C\": 1,\n \"D\": 2\n}";
        let b = "{\n \"A\": [\n  \"y\"\n ],\n \"B\": null,\n \"C\": 1,\n \"D\": 2\n}";
        assert_eq!(unified_diff(a, b, 3), "@@ -1,6 +1,6 @@\n {\n  \"A\": [\n-  \"x\"\n+  \"y\"\n  ],\n  \"B\": null,\n  \"C\": 1,\n");
        assert_eq!(unified_diff(a, a, 3), "");
    }

    #[test]
    fn changes_far_apart_are_separate_hunks() {
        let a: String = (0..20).map(|i| format!("l{i}\n")).collect();
        let b = a.replace("l2\n", "x\n").replace("l17\n", "y\n");
        let d = unified_diff(a.trim_end(), b.trim_end(), 3);
        assert!(d.starts_with("@@ -1,6 +1,6 @@\n l0\n l1\n-l2\n+x\n l3\n l4\n l5\n@@ -15,6 +15,6 @@\n"), "{d}");
    }
}
