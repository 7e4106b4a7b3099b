//! File programs over the virtual filesystem: ls, mkdir, rm, cp, mv, touch, chmod, find.

use super::{getopt, Ctx};
use crate::vfs::{self, Metadata, VfsError};

pub(crate) fn basename(ctx: &mut Ctx) -> i32 {
    let ops: Vec<String> = ctx.args.iter().filter(|a| *a != "--").cloned().collect();
    let Some(path) = ops.first() else {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    };
    if ops.len() > 2 {
        ctx.err(&format!("extra operand '{}'", ops[2]));
        ctx.err_try_public();
        return 1;
    }
    let trimmed = path.trim_end_matches('/');
    let mut base = if trimmed.is_empty() && path.starts_with('/') { "/".to_string() } else { trimmed.rsplit('/').next().unwrap_or("").to_string() };
    if let Some(suffix) = ops.get(1) {
        if base != *suffix {
            if let Some(b) = base.strip_suffix(suffix.as_str()) {
                base = b.to_string();
            }
        }
    }
    ctx.out(format!("{base}\n"));
    0
}

pub(crate) fn dirname(ctx: &mut Ctx) -> i32 {
    if ctx.args.is_empty() {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    let mut out = String::new();
    for path in ctx.args.iter() {
        let trimmed = path.trim_end_matches('/');
        let d = match trimmed.rfind('/') {
            None if path.starts_with('/') => "/".to_string(),
            None => ".".to_string(),
            Some(i) => {
                let d = trimmed[..i].trim_end_matches('/');
                if d.is_empty() {
                    "/".to_string()
                } else {
                    d.to_string()
                }
            }
        };
        out.push_str(&d);
        out.push('\n');
    }
    ctx.out(out);
    0
}

fn mode_string(meta: &Metadata) -> String {
    let mut s = String::from(if meta.is_dir() { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let bits = (meta.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// `Nov 30 05:06` from seconds since the epoch (UTC).
pub(crate) fn ls_date(secs: u64, now: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS[(m as usize).saturating_sub(1).min(11)];
    let six_months = 182 * 86_400;
    if secs + six_months < now || secs > now + 3600 {
        format!("{month} {d:>2}  {y}")
    } else {
        format!("{month} {d:>2} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
    }
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn human_size(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let units = ['K', 'M', 'G', 'T'];
    let mut x = n as f64;
    let mut u = 0;
    x /= 1024.0;
    while x >= 1024.0 && u < units.len() - 1 {
        x /= 1024.0;
        u += 1;
    }
    if x < 10.0 {
        format!("{:.1}{}", (x * 10.0).ceil() / 10.0, units[u])
    } else {
        format!("{}{}", x.ceil() as u64, units[u])
    }
}

pub(crate) fn ls(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "laA1dhrRFtS", &[("all", 'a'), ("almost-all", 'A'), ("directory", 'd'), ("human-readable", 'h'), ("reverse", 'r'), ("recursive", 'R')], 2) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let long = opts.has('l');
    let one = opts.has('1') || long || !ctx.tty;
    let mut status = 0;
    let operands = if opts.operands.is_empty() { vec![".".to_string()] } else { opts.operands.clone() };
    let mut files: Vec<(String, String)> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for op in &operands {
        let path = ctx.resolve(op);
        match ctx.io.vfs.metadata(&path) {
            Ok(meta) if meta.is_dir() && !opts.has('d') => dirs.push((op.clone(), path)),
            Ok(_) => files.push((op.clone(), path)),
            Err(e) => {
                ctx.err(&format!("cannot access '{op}': {e}"));
                status = 2;
            }
        }
    }
    files.sort();
    dirs.sort();
    if opts.has('r') {
        files.reverse();
        dirs.reverse();
    }
    let user = ctx.io.env.get("USER").cloned().unwrap_or_else(|| "root".to_string());
    let now = ctx.io.vfs.now();
    let render = |ctx: &mut Ctx, entries: &[(String, String)], total: bool| -> String {
        let mut out = String::new();
        if entries.is_empty() && !total {
            return out;
        }
        if long {
            let metas: Vec<Metadata> =
                entries.iter().map(|(_, p)| ctx.io.vfs.metadata(p).unwrap_or(Metadata { kind: vfs::Kind::File, len: 0, mode: 0o644, mtime: 0 })).collect();
            if total {
                let blocks: u64 = metas.iter().map(|m| m.len.div_ceil(4096) * 4).sum();
                out.push_str(&format!("total {blocks}\n"));
            }
            let sizes: Vec<String> = metas.iter().map(|m| if opts.has('h') { human_size(m.len) } else { m.len.to_string() }).collect();
            let w = sizes.iter().map(String::len).max().unwrap_or(1);
            for (((name, _), meta), size) in entries.iter().zip(&metas).zip(&sizes) {
                let links = if meta.is_dir() { 2 } else { 1 };
                let suffix = if opts.has('F') && meta.is_dir() { "/" } else { "" };
                out.push_str(&format!(
                    "{} {links} {user} {user} {size:>w$} {} {name}{suffix}\n",
                    mode_string(meta),
                    ls_date(meta.mtime, now)
                ));
            }
        } else {
            let names: Vec<String> = entries
                .iter()
                .map(|(n, p)| if opts.has('F') && ctx.io.vfs.is_dir(p) { format!("{n}/") } else { n.clone() })
                .collect();
            if one {
                for n in names {
                    out.push_str(&n);
                    out.push('\n');
                }
            } else if !names.is_empty() {
                out.push_str(&names.join("  "));
                out.push('\n');
            }
        }
        out
    };
    let mut out = render(ctx, &files, false);
    let many = operands.len() > 1 || opts.has('R');
    let mut queue: Vec<(String, String)> = dirs;
    let mut first = files.is_empty();
    let mut i = 0;
    while i < queue.len() {
        let (shown, path) = queue[i].clone();
        i += 1;
        let names = ctx.io.vfs.list_dir(&path).unwrap_or_default();
        let mut entries: Vec<(String, String)> = Vec::new();
        if opts.has('a') {
            entries.push((".".to_string(), path.clone()));
            entries.push(("..".to_string(), vfs::parent(&path).to_string()));
        }
        for n in names {
            if n.starts_with('.') && !opts.has('a') && !opts.has('A') {
                continue;
            }
            let p = if path == "/" { format!("/{n}") } else { format!("{path}/{n}") };
            entries.push((n, p));
        }
        if opts.has('r') {
            entries.reverse();
        }
        if many {
            if !first {
                out.push('\n');
            }
            out.push_str(&format!("{shown}:\n"));
        }
        first = false;
        out.push_str(&render(ctx, &entries, true));
        if opts.has('R') {
            let subdirs: Vec<(String, String)> = entries
                .iter()
                .filter(|(n, p)| n != "." && n != ".." && ctx.io.vfs.is_dir(p))
                .map(|(n, p)| (format!("{}/{n}", shown.trim_end_matches('/')), p.clone()))
                .collect();
            for (k, d) in subdirs.into_iter().enumerate() {
                queue.insert(i + k, d);
            }
        }
    }
    ctx.out(out);
    status
}

pub(crate) fn mkdir(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "pvm:", &[("parents", 'p'), ("verbose", 'v'), ("mode", 'm')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    if opts.operands.is_empty() {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    let mut status = 0;
    for d in &opts.operands {
        let path = ctx.resolve(d);
        let r = if opts.has('p') {
            if ctx.io.vfs.is_dir(&path) {
                Ok(())
            } else {
                ctx.io.vfs.create_dir_all(&path)
            }
        } else {
            ctx.io.vfs.create_dir(&path)
        };
        match r {
            Ok(()) => {
                if opts.has('v') {
                    ctx.out(format!("mkdir: created directory '{d}'\n"));
                }
            }
            Err(e) => {
                ctx.err(&format!("cannot create directory \u{2018}{d}\u{2019}: {e}"));
                status = 1;
            }
        }
    }
    status
}

pub(crate) fn rmdir(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "pv", &[("parents", 'p')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    if opts.operands.is_empty() {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    let mut status = 0;
    for d in &opts.operands {
        let path = ctx.resolve(d);
        let r = if ctx.io.vfs.is_file(&path) { Err(VfsError::NotADirectory) } else { ctx.io.vfs.remove(&path) };
        if let Err(e) = r {
            ctx.err(&format!("failed to remove '{d}': {e}"));
            status = 1;
        }
    }
    status
}

pub(crate) fn rm(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "rRfivd", &[("recursive", 'r'), ("force", 'f'), ("verbose", 'v'), ("dir", 'd')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let recursive = opts.has('r') || opts.has('R');
    let force = opts.has('f');
    if opts.operands.is_empty() {
        if force {
            return 0;
        }
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    let mut status = 0;
    for f in &opts.operands {
        let path = ctx.resolve(f);
        if path == "/" && recursive {
            ctx.err("it is dangerous to operate recursively on '/'");
            ctx.err("use --no-preserve-root to override this failsafe");
            status = 1;
            continue;
        }
        if f == "." || f == ".." || f.ends_with("/.") || f.ends_with("/..") {
            ctx.err(&format!("refusing to remove '.' or '..' directory: skipping '{f}'"));
            status = 1;
            continue;
        }
        match ctx.io.vfs.metadata(&path) {
            Err(e) => {
                if !force {
                    ctx.err(&format!("cannot remove '{f}': {e}"));
                    status = 1;
                }
            }
            Ok(meta) if meta.is_dir() && !recursive && !opts.has('d') => {
                ctx.err(&format!("cannot remove '{f}': Is a directory"));
                status = 1;
            }
            Ok(_) => {
                let r = if recursive { ctx.io.vfs.remove_all(&path) } else { ctx.io.vfs.remove(&path) };
                match r {
                    Ok(()) => {
                        if opts.has('v') {
                            ctx.out(format!("removed '{f}'\n"));
                        }
                    }
                    Err(e) => {
                        ctx.err(&format!("cannot remove '{f}': {e}"));
                        status = 1;
                    }
                }
            }
        }
    }
    status
}

fn copy_tree(ctx: &mut Ctx, from: &str, to: &str) -> Result<(), VfsError> {
    let paths = ctx.io.vfs.walk(from);
    for p in paths {
        let rel = &p[from.len()..];
        let dest = format!("{to}{rel}");
        if ctx.io.vfs.is_dir(&p) {
            ctx.io.vfs.create_dir_all(&dest)?;
        } else {
            let data = ctx.io.vfs.read(&p)?.to_vec();
            ctx.io.vfs.write(&dest, data)?;
        }
    }
    Ok(())
}

/// Shared by cp and mv: sources and destination, with GNU's operand errors.
fn sources_and_dest(ctx: &mut Ctx, operands: &[String]) -> Option<(Vec<String>, String, bool)> {
    match operands {
        [] => {
            ctx.err("missing file operand");
            ctx.err_try_public();
            None
        }
        [one] => {
            ctx.err(&format!("missing destination file operand after '{one}'"));
            ctx.err_try_public();
            None
        }
        [sources @ .., dest] => {
            let dest_path = ctx.resolve(dest);
            let dest_is_dir = ctx.io.vfs.is_dir(&dest_path);
            if sources.len() > 1 && !dest_is_dir {
                ctx.err(&format!("target '{dest}': Not a directory"));
                return None;
            }
            Some((sources.to_vec(), dest.clone(), dest_is_dir))
        }
    }
}

pub(crate) fn cp(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "rRafvpn", &[("recursive", 'r'), ("archive", 'a'), ("force", 'f'), ("verbose", 'v')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let recursive = opts.has('r') || opts.has('R') || opts.has('a');
    let Some((sources, dest, dest_is_dir)) = sources_and_dest(ctx, &opts.operands) else { return 1 };
    let dest_path = ctx.resolve(&dest);
    let mut status = 0;
    for s in &sources {
        let from = ctx.resolve(s);
        let meta = match ctx.io.vfs.metadata(&from) {
            Ok(m) => m,
            Err(e) => {
                ctx.err(&format!("cannot stat '{s}': {e}"));
                status = 1;
                continue;
            }
        };
        let to = if dest_is_dir { format!("{}/{}", dest_path.trim_end_matches('/'), vfs::file_name(&from)) } else { dest_path.clone() };
        let to = vfs::resolve("/", "/", &to);
        if meta.is_dir() {
            if !recursive {
                ctx.err(&format!("-r not specified; omitting directory '{s}'"));
                status = 1;
                continue;
            }
            if to == from || to.starts_with(&format!("{from}/")) {
                ctx.err(&format!("cannot copy a directory, '{s}', into itself, '{dest}'"));
                status = 1;
                continue;
            }
            if let Err(e) = copy_tree(ctx, &from, &to) {
                ctx.err(&format!("cannot create directory '{dest}': {e}"));
                status = 1;
            }
        } else {
            if to == from {
                ctx.err(&format!("'{s}' and '{dest}' are the same file"));
                status = 1;
                continue;
            }
            let data = ctx.io.vfs.read(&from).map(<[u8]>::to_vec).unwrap_or_default();
            if let Err(e) = ctx.io.vfs.write(&to, data) {
                ctx.err(&format!("cannot create regular file '{dest}': {e}"));
                status = 1;
                continue;
            }
        }
        if opts.has('v') {
            ctx.out(format!("'{s}' -> '{dest}'\n"));
        }
    }
    status
}

pub(crate) fn mv(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "fvin", &[("force", 'f'), ("verbose", 'v')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    let Some((sources, dest, dest_is_dir)) = sources_and_dest(ctx, &opts.operands) else { return 1 };
    let dest_path = ctx.resolve(&dest);
    let mut status = 0;
    for s in &sources {
        let from = ctx.resolve(s);
        if let Err(e) = ctx.io.vfs.metadata(&from) {
            ctx.err(&format!("cannot stat '{s}': {e}"));
            status = 1;
            continue;
        }
        let to = if dest_is_dir { format!("{}/{}", dest_path.trim_end_matches('/'), vfs::file_name(&from)) } else { dest_path.clone() };
        let to = vfs::resolve("/", "/", &to);
        match ctx.io.vfs.rename(&from, &to) {
            Ok(()) => {
                if opts.has('v') {
                    ctx.out(format!("renamed '{s}' -> '{dest}'\n"));
                }
            }
            Err(VfsError::InvalidArgument) => {
                ctx.err(&format!("cannot move '{s}' to a subdirectory of itself, '{dest}/{}'", vfs::file_name(&from)));
                status = 1;
            }
            Err(e) => {
                ctx.err(&format!("cannot move '{s}' to '{dest}': {e}"));
                status = 1;
            }
        }
    }
    status
}

pub(crate) fn touch(ctx: &mut Ctx) -> i32 {
    let opts = match getopt(ctx, "acm", &[("no-create", 'c')], 1) {
        Ok(o) => o,
        Err(s) => return s,
    };
    if opts.operands.is_empty() {
        ctx.err("missing file operand");
        ctx.err_try_public();
        return 1;
    }
    let mut status = 0;
    for f in &opts.operands {
        let path = ctx.resolve(f);
        if opts.has('c') && !ctx.io.vfs.exists(&path) {
            continue;
        }
        if let Err(e) = ctx.io.vfs.touch(&path) {
            ctx.err(&format!("cannot touch '{f}': {e}"));
            status = 1;
        }
    }
    status
}

pub(crate) fn chmod(ctx: &mut Ctx) -> i32 {
    let mut args: Vec<String> = ctx.args.iter().filter(|a| *a != "-R" && *a != "-v").cloned().collect();
    if args.is_empty() {
        ctx.err("missing operand");
        ctx.err_try_public();
        return 1;
    }
    let mode = args.remove(0);
    if args.is_empty() {
        ctx.err(&format!("missing operand after '{mode}'"));
        ctx.err_try_public();
        return 1;
    }
    let mut status = 0;
    for f in &args {
        let path = ctx.resolve(f);
        let old = match ctx.io.vfs.metadata(&path) {
            Ok(m) => m.mode,
            Err(e) => {
                ctx.err(&format!("cannot access '{f}': {e}"));
                status = 1;
                continue;
            }
        };
        let Some(new) = apply_mode(&mode, old) else {
            ctx.err(&format!("invalid mode: '{mode}'"));
            ctx.err_try_public();
            return 1;
        };
        let _ = ctx.io.vfs.set_mode(&path, new);
    }
    status
}

/// Applies an octal (`755`) or symbolic (`u+x,go-w`) mode.
fn apply_mode(spec: &str, old: u32) -> Option<u32> {
    if !spec.is_empty() && spec.chars().all(|c| ('0'..='7').contains(&c)) {
        return u32::from_str_radix(spec, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = old;
    for clause in spec.split(',') {
        let op_at = clause.find(['+', '-', '='])?;
        let who = &clause[..op_at];
        let op = clause[op_at..].chars().next()?;
        let perms = &clause[op_at + 1..];
        let mut mask = 0;
        for c in if who.is_empty() { "a".chars() } else { who.chars() } {
            mask |= match c {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => return None,
            };
        }
        let mut bits = 0;
        for c in perms.chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' | 'X' => 0o111,
                _ => return None,
            };
        }
        let bits = bits & mask;
        mode = match op {
            '+' => mode | bits,
            '-' => mode & !bits,
            _ => (mode & !mask) | bits,
        };
    }
    Some(mode)
}

pub(crate) fn realpath(ctx: &mut Ctx) -> i32 {
    let mut status = 0;
    let mut out = String::new();
    for f in ctx.args.iter().filter(|a| !a.starts_with('-')) {
        let p = ctx.resolve(f);
        if !ctx.io.vfs.exists(&p) && !ctx.io.vfs.is_dir(vfs::parent(&p)) {
            ctx.err(&format!("{f}: No such file or directory"));
            status = 1;
            continue;
        }
        out.push_str(&p);
        out.push('\n');
    }
    ctx.out(out);
    status
}

pub(crate) fn find(ctx: &mut Ctx) -> i32 {
    let args = ctx.args.to_vec();
    let mut roots = Vec::new();
    let mut i = 0;
    while i < args.len() && !args[i].starts_with('-') {
        roots.push(args[i].clone());
        i += 1;
    }
    if roots.is_empty() {
        roots.push(".".to_string());
    }
    let mut name: Option<(String, bool)> = None;
    let mut kind: Option<char> = None;
    let mut maxdepth = usize::MAX;
    let mut mindepth = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let val = args.get(i + 1).cloned();
        match a {
            "-name" | "-iname" => name = val.map(|v| (v, a == "-iname")),
            "-type" => kind = val.and_then(|v| v.chars().next()),
            "-maxdepth" => maxdepth = val.and_then(|v| v.parse().ok()).unwrap_or(usize::MAX),
            "-mindepth" => mindepth = val.and_then(|v| v.parse().ok()).unwrap_or(0),
            "-print" => {
                i += 1;
                continue;
            }
            other => {
                ctx.err(&format!("unknown predicate `{other}'"));
                return 1;
            }
        }
        if args.get(i + 1).is_none() {
            ctx.err(&format!("missing argument to `{a}'"));
            return 1;
        }
        i += 2;
    }
    let mut status = 0;
    let mut out = String::new();
    for root in roots {
        let base = ctx.resolve(&root);
        if !ctx.io.vfs.exists(&base) {
            ctx.err(&format!("'{root}': No such file or directory"));
            status = 1;
            continue;
        }
        for p in ctx.io.vfs.walk(&base) {
            let rel = &p[base.len()..];
            let rel = rel.strip_prefix('/').unwrap_or(rel);
            let depth = if rel.is_empty() { 0 } else { rel.matches('/').count() + 1 };
            if depth > maxdepth || depth < mindepth {
                continue;
            }
            let is_dir = ctx.io.vfs.is_dir(&p);
            if let Some(k) = kind {
                if (k == 'd') != is_dir {
                    continue;
                }
            }
            if let Some((pat, fold)) = &name {
                let n = vfs::file_name(&p);
                let ok = if *fold {
                    crate::glob::glob_match(&pat.to_lowercase(), &n.to_lowercase())
                } else {
                    crate::glob::glob_match(pat, n)
                };
                if !ok {
                    continue;
                }
            }
            let shown = if rel.is_empty() {
                root.clone()
            } else {
                format!("{}/{rel}", root.trim_end_matches('/'))
            };
            out.push_str(&shown);
            out.push('\n');
        }
    }
    ctx.out(out);
    status
}
