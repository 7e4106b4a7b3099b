//! `kubectl diff -f FILE`: the live objects against what applying the files would
//! make of them (a server-side dry run), shown by `diff -u -N` over two directories.
//! Exit status 1 when they differ, as diff's.

use kubeniwa_core::{Method, Request};
use serde_json::Value;

use crate::apply::{mapping, read_sources, target, three_way, Target, LAST_APPLIED};
use crate::{server_error, Ctx, Fail, Outcome};

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let docs = read_sources(ctx, "diff")?;
    let now = ctx.backend.now();
    let live_dir = format!("/tmp/LIVE-{}", 1_000_000_000 + now % 3_000_000_000);
    let merged_dir = format!("/tmp/MERGED-{}", 1_000_000_000 + (now * 7 + 13) % 3_000_000_000);
    let stamp = {
        let t = kubeniwa_core::time::rfc3339(now);
        format!("{} {}.{:09} +0000", &t[0..10], &t[11..19], (now % 1000) * 1_000_000)
    };
    let mut out = String::new();
    let mut differ = false;
    for doc in docs {
        let rt = mapping(&doc)?;
        let Target { ns, name, obj } = target(ctx, rt, &doc)?;
        let live = match ctx.call(Request::get(rt.object_path(ns.as_deref(), &name)))? {
            Ok(l) => Some(l),
            Err(e) if e.reason == "NotFound" => None,
            Err(e) => return Err(Fail::Text(server_error(&e))),
        };
        // What the apply would store, asked of the server without storing it. As
        // `GetModifiedConfiguration(obj, annotate=false)` makes it: the manifest
        // without a last-applied annotation (so the live one, if any, stays as it is).
        let mut applied = obj.clone();
        applied["metadata"]["annotations"].as_object_mut().map(|m| m.remove(LAST_APPLIED));
        if applied["metadata"]["annotations"].is_null() {
            applied["metadata"]["annotations"] = serde_json::json!({});
        }
        let merged = match &live {
            // A new object is created as written: no last-applied annotation yet.
            None => ctx.call(Request::new(Method::Post, rt.collection_path(ns.as_deref())).body(obj.clone()).query("dryRun", "All"))?,
            Some(l) => {
                let previous: Value = l["metadata"]["annotations"][LAST_APPLIED].as_str().and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
                let patch = three_way(&previous, &applied, l);
                ctx.call(
                    Request::new(Method::Patch, rt.object_path(ns.as_deref(), &name))
                        .content_type("application/strategic-merge-patch+json")
                        .body(patch)
                        .query("dryRun", "All"),
                )?
            }
        };
        let merged = merged.map_err(|e| Fail::Text(server_error(&e)))?;
        let file = if rt.group.is_empty() {
            format!("{}.{}.{}.{name}", rt.version, rt.kind, ns.as_deref().unwrap_or(""))
        } else {
            format!("{}.{}.{}.{}.{name}", rt.group, rt.version, rt.kind, ns.as_deref().unwrap_or(""))
        };
        let clean = |v: &Value| {
            let mut v = v.clone();
            v["metadata"].as_object_mut().map(|m| m.remove("managedFields"));
            kubeniwa_format::yaml::to_string(&v)
        };
        let a = live.as_ref().map(clean).unwrap_or_default();
        let b = clean(&merged);
        if let Some(hunks) = unified(&a, &b, 3) {
            differ = true;
            out.push_str(&format!("diff -u -N {live_dir}/{file} {merged_dir}/{file}\n"));
            out.push_str(&format!("--- {live_dir}/{file}\t{stamp}\n+++ {merged_dir}/{file}\t{stamp}\n"));
            out.push_str(&hunks);
        }
    }
    ctx.io.out(out);
    if differ {
        Err(Fail::Silent)
    } else {
        Ok(())
    }
}

/// GNU `diff -u` hunks between two texts, or `None` when they are equal. Lines are
/// matched by a longest common subsequence (inputs here are small manifests).
pub(crate) fn unified(a: &str, b: &str, context: usize) -> Option<String> {
    if a == b {
        return None;
    }
    let x: Vec<&str> = a.lines().collect();
    let y: Vec<&str> = b.lines().collect();
    let (n, m) = (x.len(), y.len());
    // LCS table; bounded so a huge object cannot take the page down.
    let ops: Vec<(char, &str)> = if n * m <= 4_000_000 {
        let mut t = vec![vec![0u32; m + 1]; n + 1];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i][j] = if x[i] == y[j] { t[i + 1][j + 1] + 1 } else { t[i + 1][j].max(t[i][j + 1]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        let mut ops = Vec::new();
        while i < n || j < m {
            if i < n && j < m && x[i] == y[j] {
                ops.push((' ', x[i]));
                i += 1;
                j += 1;
            } else if j < m && (i == n || t[i][j + 1] >= t[i + 1][j]) {
                ops.push(('+', y[j]));
                j += 1;
            } else {
                ops.push(('-', x[i]));
                i += 1;
            }
        }
        // diff prints removals before additions within a change.
        let mut k = 0;
        while k < ops.len() {
            if ops[k].0 != ' ' {
                let end = ops[k..].iter().position(|o| o.0 == ' ').map(|p| k + p).unwrap_or(ops.len());
                ops[k..end].sort_by_key(|o| if o.0 == '-' { 0 } else { 1 });
                k = end;
            } else {
                k += 1;
            }
        }
        ops
    } else {
        x.iter().map(|l| ('-', *l)).chain(y.iter().map(|l| ('+', *l))).collect()
    };
    // Group changes into hunks with `context` lines around them.
    let changed: Vec<usize> = ops.iter().enumerate().filter(|(_, o)| o.0 != ' ').map(|(i, _)| i).collect();
    let mut out = String::new();
    let mut idx = 0;
    while idx < changed.len() {
        let start = changed[idx].saturating_sub(context);
        let mut end = changed[idx];
        while idx < changed.len() && changed[idx] <= end + 2 * context + 1 {
            end = changed[idx];
            idx += 1;
        }
        let end = (end + context + 1).min(ops.len());
        let a_before = ops[..start].iter().filter(|o| o.0 != '+').count();
        let b_before = ops[..start].iter().filter(|o| o.0 != '-').count();
        let a_len = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let b_len = ops[start..end].iter().filter(|o| o.0 != '-').count();
        let range = |before: usize, len: usize| match len {
            0 => format!("{before},0"),
            1 => format!("{}", before + 1),
            _ => format!("{},{len}", before + 1),
        };
        out.push_str(&format!("@@ -{} +{} @@\n", range(a_before, a_len), range(b_before, b_len)));
        for (op, line) in &ops[start..end] {
            out.push_str(&format!("{op}{line}\n"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn unified_hunks_like_gnu_diff() {
        let a = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let b = "a\nb\nc\nD\ne\nf\ng\nh\n";
        assert_eq!(super::unified(a, b, 3).unwrap(), "@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n");
        assert_eq!(super::unified("x\n", "x\n", 3), None);
        assert_eq!(super::unified("", "a\n", 3).unwrap(), "@@ -0,0 +1 @@\n+a\n");
    }
}
