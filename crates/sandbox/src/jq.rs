//! `jq` in the learner's terminal: jq 1.7.1's command line, input reader, printer and
//! messages around the jaq interpreter (`jaq-core`, `jaq-std`, `jaq-json`).
//!
//! What jq itself decides is reproduced from its sources (tag `jq-1.7.1`): option
//! parsing and exit statuses (`src/main.c`), the input reader with its line counting
//! (`src/util.c`) and JSON parser messages (`src/jv_parse.c`, ported below as
//! [`JsonReader`]), the printer (`src/jv_print.c`, number layout from
//! `jvp_dtoa_fmt`), and the wording of the common runtime errors. Filters run on jaq,
//! so the language is jaq's where it differs from jq's (see the FIXMEs).
//!
//! A filter can run forever (`repeat(1)`, `until(false; .)`, `def f: f; f`) and this
//! runs in the page's worker with nothing to interrupt it, so every run has a
//! [`Budget`]: evaluation steps, output bytes and stack depth. jaq has no fuel hook,
//! but it looks up its program table through the run's global data on every step
//! ([`HasLut::lut`]); that is where steps are counted. When the budget is spent the
//! lookup answers with a "poison" table of the same size whose every entry is `.`,
//! so whatever jaq was doing finishes after a few more steps and control comes back
//! here, where the run stops with an error (exit status 5). The limits are
//! [`MAX_STEPS`], [`MAX_OUTPUT`] and [`MAX_STACK`]; memory is not bounded, so one
//! huge value (`"x" * 1e9`) can still exhaust it.
//!
//! Known differences from jq 1.7.1 (pinned in `tests/jq.rs`):
//! - jaq's `=`, `|=` and friends do not create objects or arrays from null or past
//!   an array's end (`null | .a = 1` is an error; `setpath` is jq's).
//! - `{} | .[0]` is null instead of an error, `1 / 0` is infinite instead of an
//!   error, object keys may be non-strings; integer arithmetic is exact instead of
//!   double; string interpolation prints computed floats as `3.0`; some type errors
//!   keep jaq's wording (`cannot use 1 as string`).
//! - No `$__loc__`, modules (`import`, `-L`), `--stream` or `--seq` input parsing;
//!   `limit` with a negative count yields nothing.
//! - Syntax errors name the unexpected token as jq's parser would, but never add
//!   bison's "expecting ..." list.
//! - No colour by default (see the FIXME in [`Printer::from_options`]).

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;

use jaq_core::data::{DataT, HasLut};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Bind, Compiler, Ctx, Native, RunPtr, Vars};
use jaq_json::{Num, Rc, Val};
use jaq_std::input::{HasInputs, Inputs, RcIter};
use kubeniwa_shell::Io;

/// The most evaluation steps one `jq` run may take. A step is one term of the
/// filter evaluated. Over `kubectl get pods -A -o json` of a fresh kind cluster
/// (64 kB), `.items[] | select(...) | "\(...)"` takes about 240 steps, `[paths]`
/// 20 000 and `tostream` 52 000, so this leaves room for clusters tens of times
/// larger, while a runaway filter stops within about a second (debug build,
/// native; ~1.2 s for 2 million steps of `def f: f; f`).
pub const MAX_STEPS: u64 = 2_000_000;
/// The most bytes one run may print: `repeat(1)` stops after half a million lines
/// (the terminal would not show more usefully).
pub const MAX_OUTPUT: usize = 1 << 20;
/// How deep (in bytes of stack) evaluation may recurse below `run` before it is
/// stopped; the worker's wasm stack is 1 MiB, native test threads have 2 MiB.
pub const MAX_STACK: usize = 512 << 10;

const VERSION: &str = "1.7.1";

/// Runs `jq ARGS...`; `now_ms` is the simulated clock (for `now`).
pub fn run(args: &[String], now_ms: u64, io: &mut Io<'_>) -> i32 {
    let opts = match parse_args(args, io) {
        Ok(opts) => opts,
        Err(status) => return status,
    };
    let mut out = Output::default();
    let status = run_with(&opts, now_ms, io, &mut out);
    out.flush(io);
    status
}

/// jq's command-line options (`src/main.c`), after parsing.
#[derive(Debug, Default)]
struct Options {
    program: String,
    files: Vec<String>,
    slurp: bool,
    raw_input: bool,
    null_input: bool,
    raw_output: bool,
    raw_output0: bool,
    join_output: bool,
    ascii: bool,
    sort_keys: bool,
    color: bool,
    /// Indentation: `None` is compact, `Some(0)` tabs, `Some(n)` n spaces.
    indent: Option<usize>,
    tab: bool,
    seq: bool,
    exit_status: bool,
    /// `--arg`, `--argjson`, ... in order, first binding of a name wins.
    named: Vec<(String, Val)>,
    positional: Vec<Val>,
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

fn usage_text(short: bool) -> String {
    let mut s = format!(
        "jq - commandline JSON processor [version {VERSION}]\n\n\
         Usage:\tjq [options] <jq filter> [file...]\n\
         \tjq [options] --args <jq filter> [strings...]\n\
         \tjq [options] --jsonargs <jq filter> [JSON_TEXTS...]\n\n\
         jq is a tool for processing JSON inputs, applying the given filter to\n\
         its JSON text inputs and producing the filter's results as JSON on\n\
         standard output.\n\n\
         The simplest filter is ., which copies jq's input to its output\n\
         unmodified except for formatting. For more advanced filters see\n\
         the jq(1) manpage (\"man jq\") and/or https://jqlang.github.io/jq/.\n\n\
         Example:\n\n\t$ echo '{{\"foo\": 0}}' | jq .\n\
         \t{{\n\t  \"foo\": 0\n\t}}\n\n"
    );
    if short {
        s.push_str("For listing the command options, use jq --help.\n");
    } else {
        s.push_str(concat!(
            "Command options:\n",
            "  -n, --null-input          use `null` as the single input value;\n",
            "  -R, --raw-input           read each line as string instead of JSON;\n",
            "  -s, --slurp               read all inputs into an array and use it as\n",
            "                            the single input value;\n",
            "  -c, --compact-output      compact instead of pretty-printed output;\n",
            "  -r, --raw-output          output strings without escapes and quotes;\n",
            "      --raw-output0         implies -r and output NUL after each output;\n",
            "  -j, --join-output         implies -r and output without newline after\n",
            "                            each output;\n",
            "  -a, --ascii-output        output strings by only ASCII characters\n",
            "                            using escape sequences;\n",
            "  -S, --sort-keys           sort keys of each object on output;\n",
            "  -C, --color-output        colorize JSON output;\n",
            "  -M, --monochrome-output   disable colored output;\n",
            "      --tab                 use tabs for indentation;\n",
            "      --indent n            use n spaces for indentation (max 7 spaces);\n",
            "      --unbuffered          flush output stream after each output;\n",
            "      --stream              parse the input value in streaming fashion;\n",
            "      --stream-errors       implies --stream and report parse error as\n",
            "                            an array;\n",
            "      --seq                 parse input/output as application/json-seq;\n",
            "  -f, --from-file file      load filter from the file;\n",
            "  -L directory              search modules from the directory;\n",
            "      --arg name value      set $name to the string value;\n",
            "      --argjson name value  set $name to the JSON value;\n",
            "      --slurpfile name file set $name to an array of JSON values read\n",
            "                            from the file;\n",
            "      --rawfile name file   set $name to string contents of file;\n",
            "      --args                consume remaining arguments as positional\n",
            "                            string values;\n",
            "      --jsonargs            consume remaining arguments as positional\n",
            "                            JSON values;\n",
            "  -e, --exit-status         set exit status code based on the output;\n",
            "  -V, --version             show the version;\n",
            "  --build-configuration     show jq's build configuration;\n",
            "  -h, --help                show the help;\n",
            "  --                        terminates argument processing;\n\n",
            "Named arguments are also available as $ARGS.named[], while\n",
            "positional arguments are available as $ARGS.positional[].\n",
        ));
    }
    s
}

/// jq's `die()`: the hint after a bad command line, exit status 2.
fn die(io: &mut Io<'_>, msg: &str) -> i32 {
    io.err(format!(
        "{msg}Use jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n"
    ));
    2
}

/// `isoptish` in `src/main.c`: `-x...` or `--...`.
fn is_optish(a: &str) -> bool {
    let b = a.as_bytes();
    b.len() >= 2 && b[0] == b'-' && (b[1] == b'-' || b[1].is_ascii_alphabetic())
}

/// `isoption` in `src/main.c`: long form `--long`, or a short letter anywhere in a
/// stack of short options (`-rc`), counted in `short_opts`.
fn is_option(text: &str, short: Option<char>, long: &str, short_opts: &mut usize) -> bool {
    if let Some(rest) = text.strip_prefix("--") {
        return rest == long;
    }
    match short {
        Some(c) if text.starts_with('-') && text[1..].contains(c) => {
            *short_opts += 1;
            true
        }
        _ => false,
    }
}

fn parse_args(args: &[String], io: &mut Io<'_>) -> Result<Options, i32> {
    let mut o = Options { indent: Some(2), ..Options::default() };
    let mut program: Option<String> = None;
    let mut from_file = false;
    let (mut args_done, mut strings, mut json) = (false, false, false);
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if args_done || !is_optish(a) {
            if program.is_none() {
                program = Some(a.to_string());
            } else if strings {
                o.positional.push(Val::from(a.to_string()));
            } else if json {
                match parse_one(a.as_bytes()) {
                    Some(v) => o.positional.push(v),
                    None => return Err(die(io, "jq: invalid JSON text passed to --jsonargs\n")),
                }
            } else {
                o.files.push(a.to_string());
            }
            i += 1;
            continue;
        }
        if a == "--" {
            args_done = true;
            i += 1;
            continue;
        }
        if a.starts_with("-L") {
            // Modules are not supported; the search path is accepted and ignored.
            if a.len() == 2 {
                if i + 1 >= args.len() {
                    return Err(die(io, "-L takes a parameter: (e.g. -L /search/path or -L/search/path)\n"));
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        let mut n = 0usize;
        macro_rules! flag {
            ($short:expr, $long:expr, $body:block) => {
                if is_option(a, $short, $long, &mut n) {
                    $body
                    if n == 0 {
                        i += 1;
                        continue;
                    }
                }
            };
        }
        flag!(Some('s'), "slurp", { o.slurp = true; });
        flag!(Some('r'), "raw-output", { o.raw_output = true; });
        flag!(None, "raw-output0", {
            o.raw_output = true;
            o.join_output = true;
            o.raw_output0 = true;
        });
        flag!(Some('j'), "join-output", {
            o.raw_output = true;
            o.join_output = true;
        });
        flag!(Some('c'), "compact-output", {
            o.indent = None;
            o.tab = false;
        });
        flag!(Some('C'), "color-output", { o.color = true; });
        let mut mono = false;
        flag!(Some('M'), "monochrome-output", { mono = true; });
        if mono {
            o.color = false;
        }
        flag!(Some('a'), "ascii-output", { o.ascii = true; });
        if is_option(a, None, "unbuffered", &mut n) {
            i += 1;
            continue;
        }
        flag!(Some('S'), "sort-keys", { o.sort_keys = true; });
        flag!(Some('R'), "raw-input", { o.raw_input = true; });
        flag!(Some('n'), "null-input", { o.null_input = true; });
        flag!(Some('f'), "from-file", { from_file = true; });
        flag!(Some('b'), "binary", {});
        if is_option(a, None, "tab", &mut n) {
            o.tab = true;
            o.indent = Some(1);
            i += 1;
            continue;
        }
        if is_option(a, None, "indent", &mut n) {
            let Some(value) = args.get(i + 1) else {
                return Err(die(io, "jq: --indent takes one parameter\n"));
            };
            let indent = atoi(value);
            if !(-1..=7).contains(&indent) {
                return Err(die(io, "jq: --indent takes a number between -1 and 7\n"));
            }
            o.tab = indent == -1;
            o.indent = match indent {
                0 => None,
                -1 => Some(1),
                n => Some(n as usize),
            };
            i += 2;
            continue;
        }
        if is_option(a, None, "seq", &mut n) {
            o.seq = true;
            i += 1;
            continue;
        }
        if is_option(a, None, "stream", &mut n) || is_option(a, None, "stream-errors", &mut n) {
            // FIXME: streaming input (`--stream`) is not implemented.
            io.err("jq: --stream is not supported in this sandbox\n");
            return Err(2);
        }
        flag!(Some('e'), "exit-status", { o.exit_status = true; });
        if is_option(a, None, "args", &mut n) {
            (strings, json) = (true, false);
            i += 1;
            continue;
        }
        if is_option(a, None, "jsonargs", &mut n) {
            (strings, json) = (false, true);
            i += 1;
            continue;
        }
        if is_option(a, None, "arg", &mut n) {
            if i + 2 >= args.len() {
                return Err(die(io, "jq: --arg takes two parameters (e.g. --arg varname value)\n"));
            }
            add_named(&mut o.named, &args[i + 1], Val::from(args[i + 2].clone()));
            i += 3;
            continue;
        }
        if is_option(a, None, "argjson", &mut n) {
            if i + 2 >= args.len() {
                return Err(die(io, "jq: --argjson takes two parameters (e.g. --argjson varname text)\n"));
            }
            if !o.named.iter().any(|(k, _)| k == &args[i + 1]) {
                match parse_one(args[i + 2].as_bytes()) {
                    Some(v) => add_named(&mut o.named, &args[i + 1], v),
                    None => return Err(die(io, "jq: invalid JSON text passed to --argjson\n")),
                }
            }
            i += 3;
            continue;
        }
        let raw = is_option(a, None, "rawfile", &mut n);
        if raw || is_option(a, None, "slurpfile", &mut n) {
            let which = if raw { "rawfile" } else { "slurpfile" };
            if i + 2 >= args.len() {
                return Err(die(io, &format!("jq: --{which} takes two parameters (e.g. --{which} varname filename)\n")));
            }
            let (name, file) = (&args[i + 1], &args[i + 2]);
            if !o.named.iter().any(|(k, _)| k == name) {
                let data = match io.vfs.read(&io.resolve(file)) {
                    Ok(d) => d.to_vec(),
                    Err(e) => {
                        io.err(format!("jq: Bad JSON in --{which} {name} {file}: Could not open {file}: {e}\n"));
                        return Err(2);
                    }
                };
                let value = if raw {
                    Val::from(String::from_utf8_lossy(&data).into_owned())
                } else {
                    let mut values = Vec::new();
                    for ev in JsonReader::read_all(&[Source { name: file.clone(), data: Some(data) }]) {
                        match ev {
                            Event::Value { value, .. } => values.push(value),
                            Event::ParseError(msg) => {
                                io.err(format!("jq: Bad JSON in --{which} {name} {file}: {msg}\n"));
                                return Err(2);
                            }
                            Event::FileError(_) => {}
                        }
                    }
                    Val::from_iter(values)
                };
                add_named(&mut o.named, name, value);
            }
            i += 3;
            continue;
        }
        if is_option(a, Some('h'), "help", &mut n) {
            io.out(usage_text(false));
            return Err(0);
        }
        if is_option(a, Some('V'), "version", &mut n) {
            io.out(format!("jq-{VERSION}\n"));
            return Err(0);
        }
        if is_option(a, None, "build-configuration", &mut n) {
            io.out("kubeniwa (jaq)\n");
            return Err(0);
        }
        if a.len() != n + 1 {
            return Err(die(io, &format!("jq: Unknown option {a}\n")));
        }
        i += 1;
    }
    let program = match program {
        Some(p) => p,
        // jq runs `.` when stdin or stdout is not a terminal and prints its usage
        // otherwise. FIXME: the `Io` does not say whether stdin is the terminal; an
        // empty stdin is taken to mean it is (`jq` typed alone), anything piped in
        // to mean it is not (`kubectl get pods -o json | jq`).
        None if !io.stdin.is_empty() => ".".to_string(),
        None => {
            io.err(usage_text(true));
            return Err(2);
        }
    };
    o.program = if from_file {
        match io.vfs.read(&io.resolve(&program)) {
            Ok(d) => String::from_utf8_lossy(d).into_owned(),
            Err(e) => {
                io.err(format!("jq: error: Could not open {program}: {e}\n"));
                return Err(2);
            }
        }
    } else {
        program
    };
    Ok(o)
}

fn add_named(named: &mut Vec<(String, Val)>, name: &str, v: Val) {
    if !named.iter().any(|(k, _)| k == name) {
        named.push((name.to_string(), v));
    }
}

/// C's `atoi`: leading blanks, a sign, digits; anything else stops it.
fn atoi(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')));
    if neg {
        -n
    } else {
        n
    }
}

/// Parses exactly one JSON text (as `jv_parse` does for `--argjson`).
fn parse_one(text: &[u8]) -> Option<Val> {
    let mut values = JsonReader::read_all(&[Source { name: String::new(), data: Some(text.to_vec()) }]).into_iter();
    match (values.next(), values.next()) {
        (Some(Event::Value { value, .. }), None) => Some(value),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

/// jq's exit statuses (`src/main.c`).
const JQ_OK: i32 = 0;
const JQ_OK_NULL_KIND: i32 = -1;
const JQ_ERROR_SYSTEM: i32 = 2;
const JQ_ERROR_COMPILE: i32 = 3;
const JQ_OK_NO_OUTPUT: i32 = -4;
const JQ_ERROR_UNKNOWN: i32 = 5;

fn run_with(o: &Options, now_ms: u64, io: &mut Io<'_>, out: &mut Output) -> i32 {
    // Global variables: `$ENV`, `$__prog_args` is jq-internal, `$ARGS`, then the named ones.
    let env_val = Val::obj(io.env.iter().map(|(k, v)| (Val::from(k.clone()), Val::from(v.clone()))).collect());
    let named_obj = Val::obj(o.named.iter().map(|(k, v)| (Val::from(k.clone()), v.clone())).collect());
    let args_val = Val::obj(
        [(Val::from("positional".to_string()), Val::from_iter(o.positional.iter().cloned())), (Val::from("named".to_string()), named_obj)]
            .into_iter()
            .collect(),
    );
    let mut var_names: Vec<String> = vec!["$ENV".into(), "$ARGS".into()];
    let mut var_values: Vec<Val> = vec![env_val.clone(), args_val];
    for (k, v) in &o.named {
        var_names.push(format!("${k}"));
        var_values.push(v.clone());
    }

    let filter = match compile(&o.program, &var_names) {
        Ok(f) => f,
        Err(msgs) => {
            for m in &msgs {
                out.err(format!("{m}\n"));
            }
            let n = msgs.len();
            out.err(format!("jq: {n} compile {}\n", if n == 1 { "error" } else { "errors" }));
            return JQ_ERROR_COMPILE;
        }
    };

    // Inputs, read the way jq's reader does.
    let mut sources = Vec::new();
    if o.files.is_empty() {
        sources.push(Source { name: "<stdin>".into(), data: Some(io.stdin.to_vec()) });
    } else {
        for f in &o.files {
            let data = if f == "-" {
                Ok(io.stdin.to_vec())
            } else {
                let path = io.resolve(f);
                if io.vfs.is_dir(&path) {
                    // fopen succeeds on a directory; the read fails, and jq reports
                    // only errno.
                    Err("jq: error: Is a directory".to_string())
                } else {
                    io.vfs.read(&path).map(<[u8]>::to_vec).map_err(|e| format!("jq: error: Could not open file {f}: {e}"))
                }
            };
            let name = if f == "-" { "<stdin>".to_string() } else { f.clone() };
            match data {
                Ok(d) => sources.push(Source { name, data: Some(d) }),
                Err(message) => sources.push(Source { name: message, data: None }),
            }
        }
    }
    let events = if o.raw_input { read_raw(&sources, o.slurp) } else { JsonReader::read_all(&sources) };
    let events = if o.slurp && !o.raw_input { slurp(events) } else { events };

    let state = RunState {
        pos: RefCell::new(Pos::Unknown),
        failures: Cell::new(0),
        out: RefCell::new(std::mem::take(out)),
        parse_error: RefCell::new(None),
    };
    let queue = RefCell::new(events.into_iter());
    let next_input = || -> Option<Result<Val, String>> {
        loop {
            let ev = queue.borrow_mut().next()?;
            match ev {
                Event::Value { value, pos } => {
                    *state.pos.borrow_mut() = pos;
                    return Some(Ok(value));
                }
                Event::FileError(msg) => {
                    state.out.borrow_mut().err(format!("{msg}\n"));
                    state.failures.set(state.failures.get() + 1);
                }
                Event::ParseError(msg) => {
                    *state.parse_error.borrow_mut() = Some(msg);
                    return None;
                }
            }
        }
    };
    let inputs: RcIter<Box<dyn Iterator<Item = Result<Val, String>> + '_>> = RcIter::new(Box::new(std::iter::from_fn(next_input)));

    let budget = Budget::new();
    let env = Env {
        lut: &filter.main.lut,
        poison: &filter.poison.lut,
        budget: &budget,
        inputs: &inputs,
        state: &state,
        env: env_val,
        now: now_ms as f64 / 1000.0,
    };
    let printer = Printer::from_options(o);

    let mut ret = JQ_OK_NO_OUTPUT;
    let mut last_result: i32 = -1;
    if o.null_input {
        ret = process(&filter.main, &env, &var_values, Val::Null, &printer, o).0;
    } else {
        let mut halted = false;
        loop {
            let Some(Ok(value)) = (&inputs).next() else { break };
            let (r, h) = process(&filter.main, &env, &var_values, value, &printer, o);
            ret = r;
            if ret <= 0 && ret != JQ_OK_NO_OUTPUT {
                last_result = i32::from(ret != JQ_OK_NULL_KIND);
            }
            if h || budget.tripped().is_some() {
                halted = true;
                break;
            }
        }
        if !halted {
            if let Some(msg) = state.parse_error.borrow_mut().take() {
                state.out.borrow_mut().err(format!("jq: parse error: {msg}\n"));
                ret = JQ_ERROR_UNKNOWN;
            }
        }
    }
    // Files after a parse error or a halt are never opened, so their errors do not
    // show; files before are reported as the reader passed them.
    if state.failures.get() != 0 {
        ret = JQ_ERROR_SYSTEM;
    }
    drop(inputs);
    *out = state.out.into_inner();
    if budget.tripped().is_some() {
        return JQ_ERROR_UNKNOWN;
    }
    if o.exit_status {
        if ret != JQ_OK_NO_OUTPUT {
            ret.abs()
        } else {
            match last_result {
                -1 => JQ_OK_NO_OUTPUT.abs(),
                0 => JQ_OK_NULL_KIND.abs(),
                _ => JQ_OK,
            }
        }
    } else {
        ret.max(0)
    }
}

/// jq's `process()`: runs the filter on one input and prints the results. Returns
/// jq's `ret` and whether the program halted (or hit the budget).
fn process<'a>(filter: &'a jaq_core::Filter<Jq>, env: &'a Env<'a>, vars: &[Val], input: Val, printer: &Printer, o: &Options) -> (i32, bool) {
    let mut ret = JQ_OK_NO_OUTPUT;
    env.budget.start();
    let ctx = Ctx::<Jq>::new(env, Vars::new(vars.iter().cloned()));
    let mut results = filter.id.run((ctx, input));
    loop {
        let next = results.next();
        if let Some(trip) = env.budget.tripped() {
            drop(results);
            env.state.out.borrow_mut().err(format!("jq: error (at {}): {}\n", env.state.pos.borrow(), trip.message()));
            return (JQ_ERROR_UNKNOWN, true);
        }
        let Some(next) = next else { break };
        match next {
            Ok(v) => {
                let mut text = Vec::new();
                let raw_string = o.raw_output && matches!(v, Val::TStr(_) | Val::BStr(_));
                if raw_string && !o.ascii {
                    let bytes = string_bytes(&v);
                    if o.raw_output0 && bytes.contains(&0) {
                        env.state.out.borrow_mut().err(format!(
                            "jq: error (at {}): Cannot dump a string containing NUL with --raw-output0 option\n",
                            env.state.pos.borrow()
                        ));
                        drop_deep(v);
                        return (JQ_ERROR_UNKNOWN, false);
                    }
                    text.extend_from_slice(bytes);
                    ret = JQ_OK;
                } else if raw_string {
                    // jq prints `-r -a` strings quoted and escaped.
                    let mut s = String::new();
                    printer.dump_plain_string(&v, &mut s);
                    text.extend_from_slice(s.as_bytes());
                    ret = JQ_OK;
                } else {
                    ret = if matches!(v, Val::Null | Val::Bool(false)) { JQ_OK_NULL_KIND } else { JQ_OK };
                    if o.seq {
                        text.push(0x1e);
                    }
                    let mut s = String::new();
                    printer.dump(&v, 0, &mut s);
                    text.extend_from_slice(s.as_bytes());
                }
                if !o.join_output {
                    text.push(b'\n');
                }
                if o.raw_output0 {
                    text.push(0);
                }
                drop_deep(v);
                let mut out = env.state.out.borrow_mut();
                out.out(&text);
                if out.stdout_len > MAX_OUTPUT {
                    drop(out);
                    env.budget.trip(Trip::Output);
                }
            }
            Err(exn) => match exn.get_halt() {
                Ok(code) => return (code, true),
                Err(exn) => {
                    let message = match exn.get_err() {
                        Ok(e) => error_message(e),
                        Err(_) => "internal error".to_string(),
                    };
                    env.state.out.borrow_mut().err(format!("jq: error (at {}){message}\n", env.state.pos.borrow()));
                    return (JQ_ERROR_UNKNOWN, false);
                }
            },
        }
    }
    (ret, false)
}

/// The message of an uncaught error, after `jq: error (at POS)`.
fn error_message(e: jaq_core::Error<Val>) -> String {
    let v = e.into_val();
    match v {
        Val::TStr(_) | Val::BStr(_) => format!(": {}", jq_wording(&String::from_utf8_lossy(string_bytes(&v)))),
        other => {
            let mut s = String::new();
            Printer::compact().dump(&other, 0, &mut s);
            format!(" (not a string): {s}")
        }
    }
}

/// Everything one run writes, in order (stdout and stderr interleave as the learner
/// would see them), flushed to the terminal at the end.
#[derive(Default)]
struct Output {
    chunks: Vec<(bool, Vec<u8>)>,
    stdout_len: usize,
}

impl Output {
    fn out(&mut self, b: &[u8]) {
        self.stdout_len += b.len();
        self.push(false, b);
    }
    fn err(&mut self, s: impl AsRef<[u8]>) {
        self.push(true, s.as_ref());
    }
    fn push(&mut self, err: bool, b: &[u8]) {
        match self.chunks.last_mut() {
            Some((e, buf)) if *e == err => buf.extend_from_slice(b),
            _ => self.chunks.push((err, b.to_vec())),
        }
    }
    fn flush(&mut self, io: &mut Io<'_>) {
        for (err, b) in self.chunks.drain(..) {
            if err {
                io.err(b);
            } else {
                io.out(b);
            }
        }
    }
}

/// What the reader and the natives share during a run.
struct RunState {
    /// Where the current input came from, for error messages.
    pos: RefCell<Pos>,
    failures: Cell<u32>,
    out: RefCell<Output>,
    parse_error: RefCell<Option<String>>,
}

// ---------------------------------------------------------------------------
// The budget
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trip {
    Steps,
    Stack,
    Output,
}

impl Trip {
    fn message(self) -> String {
        match self {
            Trip::Steps => format!("jq stopped: the filter ran for more than {MAX_STEPS} steps (the sandbox's limit)"),
            Trip::Stack => "jq stopped: the filter recursed too deeply (the sandbox's limit)".to_string(),
            Trip::Output => format!("jq stopped: more than {} MiB of output (the sandbox's limit)", MAX_OUTPUT >> 20),
        }
    }
}

/// Steps taken, and where the stack was when the run started.
struct Budget {
    steps: Cell<u64>,
    stack_base: Cell<usize>,
    tripped: Cell<Option<Trip>>,
}

impl Budget {
    fn new() -> Budget {
        Budget { steps: Cell::new(0), stack_base: Cell::new(0), tripped: Cell::new(None) }
    }

    /// Remembers the stack position evaluation starts from.
    fn start(&self) {
        let marker = 0u8;
        self.stack_base.set(std::hint::black_box(&marker) as *const u8 as usize);
    }

    /// Counts one step; false once the budget is spent.
    fn tick(&self) -> bool {
        if self.tripped.get().is_some() {
            return false;
        }
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS {
            self.trip(Trip::Steps);
            return false;
        }
        // The address of a local is how deep the stack is; comparing addresses needs
        // no unsafe code and works on wasm32's shadow stack too.
        let marker = 0u8;
        let here = std::hint::black_box(&marker) as *const u8 as usize;
        if here.abs_diff(self.stack_base.get()) > MAX_STACK {
            self.trip(Trip::Stack);
            return false;
        }
        true
    }

    fn trip(&self, t: Trip) {
        if self.tripped.get().is_none() {
            self.tripped.set(Some(t));
        }
    }

    fn tripped(&self) -> Option<Trip> {
        self.tripped.get()
    }
}

// ---------------------------------------------------------------------------
// jaq glue: data, natives, definitions
// ---------------------------------------------------------------------------

/// The data kind of a run: jaq-json values, and [`Env`] as global data.
struct Jq;

impl DataT for Jq {
    type V<'a> = Val;
    type Data<'a> = &'a Env<'a>;
}

type Lut = jaq_core::Lut<Jq>;

/// Global data of a run, reachable from every step and every native filter.
struct Env<'a> {
    lut: &'a Lut,
    poison: &'a Lut,
    budget: &'a Budget,
    inputs: Inputs<'a, Val>,
    state: &'a RunState,
    env: Val,
    now: f64,
}

impl<'a> HasLut<'a, Jq> for &'a Env<'a> {
    fn lut(&self) -> &'a Lut {
        if self.budget.tick() {
            self.lut
        } else {
            self.poison
        }
    }
}

impl<'a> HasInputs<'a, Val> for &'a Env<'a> {
    fn inputs(&self) -> Inputs<'a, Val> {
        self.inputs
    }
}

/// Definitions that make jaq behave as jq 1.7.1 where they differ, after jaq's own
/// (later definitions shadow earlier ones). Most are jq 1.7.1's `src/builtin.jq`.
const DEFS: &str = r#"
def tostring: _jq_tostring;
def fromjson: _jq_fromjson;
def tonumber:
  if type == "number" then .
  elif type == "string" and (_jq_fromjson | type) != "number" then _jq_type_error("cannot be parsed as a number")
  elif type == "string" then _jq_fromjson
  else _jq_type_error("cannot be parsed as a number") end;
def @text: tostring;
# jq's setpath creates objects and arrays (padded with nulls) where the path
# meets null or runs past an array's end; jaq's `=` and `|=` do not. jq refuses
# indices past about 5e8; this stops at 1e6 so the padding stays small.
def setpath($p; $v):
  if ($p | length) == 0 then $v
  else $p[0] as $k
    | (if . == null then (if ($k|type) == "number" then [] else {} end) else . end)
    | (if ($k|type) == "number" and $k >= 1000000 then error("Array index too large") else . end)
    | (if ($k|type) == "number" and $k >= length then . + [range(length; $k + 1) | null] else . end)
    | .[$k] |= setpath($p[1:]; $v)
  end;
def range($init; $upto; $by):
    if $by > 0 then $init|while(. < $upto; . + $by)
  elif $by < 0 then $init|while(. > $upto; . + $by)
  else empty end;
def range($from; $upto): range($from; $upto; 1);
def range($upto): range(0; $upto; 1);
def join($x): reduce .[] as $i (null;
            (if .==null then "" else .+$x end) +
            ($i | if .==null then "" elif type=="string" then . else tojson end)
        ) // "";
def from_entries: map({(.key // .Key // .name // .Name): (if has("value") then .value else .Value end)}) | add | .//={};
def leaf_paths: paths(scalars);
def localtime: gmtime;
def strflocaltime(f): strftime(f);
def halt_error($exit_code): _halt_error_message, halt($exit_code);
def halt_error: halt_error(5);
def have_decnum: true;
def have_literal_numbers: true;
def finites: select(isinfinite or isnan | not);
def INDEX(stream; idx_expr):
  reduce stream as $row ({}; .[$row|idx_expr|tostring] = $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def todateiso8601: strftime("%Y-%m-%dT%H:%M:%SZ");
def todate: todateiso8601;
def dateadd(u; n): .+n;
def datesub(u; n): .-n;
def date: todate;
def tostream: path(def r: (.[]?|r), .; r) as $p | getpath($p) | reduce path(.[]?) as $q ([$p, .]; [$p+$q]);
def fromstream(f): { x: null, e: false } as $init
 | foreach f as $i
     ( $init;
       if .e then $init else . end
       | if $i | length == 2
         then setpath(["e"]; $i[0] | length == 0) | setpath(["x"] + $i[0]; $i[1])
         else setpath(["e"]; $i[0] | length == 1) end;
       if .e then .x else empty end
     );
def truncate_stream(stream): . as $n | null | stream | . as $input | if (.[0]|length) > $n then setpath([0];.[0][$n:]) else empty end;
def input_line_number: _input_line_number;
def input: [limit(1; inputs)] | if length == 0 then error("No more inputs") else .[0] end;
"#;

fn natives() -> Vec<jaq_core::native::Fun<Jq>> {
    let v = |n: usize| -> Box<[Bind]> { jaq_core::native::v(n) };
    let ours: Vec<(&'static str, Box<[Bind]>, RunPtr<Jq>)> = vec![
        ("env", v(0), |cv| {
            let env = cv.0.data().env.clone();
            Box::new(std::iter::once(Ok(env)))
        }),
        ("now", v(0), |cv| {
            let now = cv.0.data().now;
            Box::new(std::iter::once(Ok(Val::Num(Num::Float(now)))))
        }),
        ("tojson", v(0), |cv| {
            let mut s = String::new();
            Printer::compact().dump(&cv.1, 0, &mut s);
            Box::new(std::iter::once(Ok(Val::from(s))))
        }),
        ("_jq_tostring", v(0), |cv| {
            let v = match cv.1 {
                v @ Val::TStr(_) => v,
                v => {
                    let mut s = String::new();
                    Printer::compact().dump(&v, 0, &mut s);
                    Val::from(s)
                }
            };
            Box::new(std::iter::once(Ok(v)))
        }),
        // jq's `debug`: `["DEBUG:",VALUE]` on stderr, compact.
        ("debug_empty", v(0), |cv| {
            let mut s = String::from("[\"DEBUG:\",");
            Printer::compact().dump(&cv.1, 0, &mut s);
            s.push_str("]\n");
            cv.0.data().state.out.borrow_mut().err(s);
            Box::new(std::iter::empty())
        }),
        // jq 1.7.1's `stderr`: strings raw, other values as compact JSON, no newline.
        ("stderr_empty", v(0), |cv| {
            let text = stderr_text(&cv.1);
            cv.0.data().state.out.borrow_mut().err(text);
            Box::new(std::iter::empty())
        }),
        // `halt_error`'s message: strings raw, null nothing, other values as JSON
        // and a newline (`process()` in `src/main.c`).
        ("_halt_error_message", v(0), |cv| {
            let mut text = stderr_text(&cv.1);
            match cv.1 {
                Val::TStr(_) | Val::BStr(_) => {}
                Val::Null => text.clear(),
                _ => text.push('\n'),
            }
            cv.0.data().state.out.borrow_mut().err(text);
            Box::new(std::iter::empty())
        }),
        // jq's `type_error`: `KIND (VALUE) MESSAGE`.
        ("_jq_type_error", v(1), |mut cv| {
            let msg = cv.0.pop_var();
            let text = format!("{} ({}) {}", kind_name(&cv.1), trunc(&cv.1), String::from_utf8_lossy(string_bytes(&msg)));
            Box::new(std::iter::once(Err(jaq_core::Error::new(Val::from(text)).into())))
        }),
        // jq's `fromjson` is `jv_parse`: its parser and messages.
        ("_jq_fromjson", v(0), |cv| {
            let text = match &cv.1 {
                Val::TStr(_) | Val::BStr(_) => string_bytes(&cv.1).to_vec(),
                v => {
                    let msg = format!("{} ({}) only strings can be parsed", kind_name(v), trunc(v));
                    return Box::new(std::iter::once(Err(jaq_core::Error::new(Val::from(msg)).into())));
                }
            };
            let events = JsonReader::read_all(&[Source { name: String::new(), data: Some(text.clone()) }]);
            let mut values = events.into_iter();
            let result = match (values.next(), values.next()) {
                (Some(Event::Value { value, .. }), None) => Ok(value),
                (Some(Event::Value { .. }), Some(Event::Value { .. })) => Err("Unexpected extra JSON values".to_string()),
                (Some(Event::Value { .. }), Some(Event::ParseError(m))) | (Some(Event::ParseError(m)), _) => Err(m),
                _ => Err("Expected JSON value".to_string()),
            };
            let result = result.map_err(|m| {
                let msg = format!("{m} (while parsing '{}')", String::from_utf8_lossy(&text));
                jaq_core::Error::new(Val::from(msg)).into()
            });
            Box::new(std::iter::once(result))
        }),
        ("@csv", v(0), |cv| Box::new(std::iter::once(csv_tsv(cv.1, true)))),
        ("@tsv", v(0), |cv| Box::new(std::iter::once(csv_tsv(cv.1, false)))),
        ("@base32", v(0), |cv| {
            let text = match &cv.1 {
                Val::TStr(_) | Val::BStr(_) => string_bytes(&cv.1).to_vec(),
                v => {
                    let mut s = String::new();
                    Printer::compact().dump(v, 0, &mut s);
                    s.into_bytes()
                }
            };
            Box::new(std::iter::once(Ok(Val::from(base32_encode(&text)))))
        }),
        ("@base32d", v(0), |cv| {
            let text = String::from_utf8_lossy(string_bytes(&cv.1)).into_owned();
            Box::new(std::iter::once(Ok(Val::from(String::from_utf8_lossy(&base32_decode(&text)).into_owned()))))
        }),
        ("input_filename", v(0), |cv| {
            let v = match &*cv.0.data().state.pos.borrow() {
                Pos::At(name, _) if name != "<stdin>" => Val::from(name.clone()),
                _ => Val::Null,
            };
            Box::new(std::iter::once(Ok(v)))
        }),
        ("_input_line_number", v(0), |cv| {
            let n = match &*cv.0.data().state.pos.borrow() {
                Pos::At(_, line) => *line as isize,
                Pos::Unknown => 0,
            };
            Box::new(std::iter::once(Ok(Val::from(n))))
        }),
    ];
    let names: Vec<&str> = ours.iter().map(|(n, _, _)| *n).collect();
    let theirs = jaq_core::funs::<Jq>()
        .chain(jaq_std::funs::<Jq>())
        .chain(jaq_std::input::funs::<Jq>().into_vec().into_iter().map(jaq_core::native::run::<Jq>))
        .chain(jaq_json::funs::<Jq>())
        // jaq's `localtime` and `strflocaltime` read the host's time zone; the
        // sandbox is in UTC (see DEFS).
        .filter(|(name, _, _)| !names.contains(name) && !matches!(*name, "localtime" | "strflocaltime"));
    theirs.chain(ours.into_iter().map(|(n, a, r)| (n, a, Native::<Jq>::new(r)))).collect()
}

/// `@csv` and `@tsv` as `f_format` in jq 1.7.1's `src/builtin.c` writes them.
fn csv_tsv<'a>(v: Val, csv: bool) -> jaq_core::ValX<'a, Val> {
    let type_error = |v: &Val, msg: &str| -> jaq_core::ValX<'a, Val> {
        Err(jaq_core::Error::new(Val::from(format!("{} ({}) {msg}", kind_name(v), trunc(v)))).into())
    };
    let Val::Arr(items) = &v else {
        return type_error(&v, if csv { "cannot be csv-formatted, only array" } else { "cannot be tsv-formatted, only array" });
    };
    let mut line = String::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            line.push(if csv { ',' } else { '\t' });
        }
        match x {
            Val::Null => {}
            Val::Num(Num::Float(f)) if f.is_nan() => {}
            Val::Bool(_) | Val::Num(_) => Printer::compact().dump(x, 0, &mut line),
            Val::TStr(_) | Val::BStr(_) => {
                let text = String::from_utf8_lossy(string_bytes(x));
                if csv {
                    line.push('"');
                    line.push_str(&text.replace('"', "\"\""));
                    line.push('"');
                } else {
                    for c in text.chars() {
                        match c {
                            '\t' => line.push_str("\\t"),
                            '\r' => line.push_str("\\r"),
                            '\n' => line.push_str("\\n"),
                            '\\' => line.push_str("\\\\"),
                            c => line.push(c),
                        }
                    }
                }
            }
            other => return type_error(other, "is not valid in a csv row"),
        }
    }
    Ok(Val::from(line))
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 with `=` padding, as jq's `@base32`.
fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(BASE32[((bits >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `@base32d`: decodes what it can, ignoring padding and stray characters.
fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut nbits) = (0u64, 0u32);
    for c in text.bytes() {
        let Some(v) = BASE32.iter().position(|b| *b == c) else { continue };
        acc = (acc << 5) | v as u64;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    out
}

fn stderr_text(v: &Val) -> String {
    match v {
        Val::TStr(_) | Val::BStr(_) => String::from_utf8_lossy(string_bytes(v)).into_owned(),
        v => {
            let mut s = String::new();
            Printer::compact().dump(v, 0, &mut s);
            s
        }
    }
}

struct Compiled {
    main: jaq_core::Filter<Jq>,
    /// Same number of terms as `main`, every one `.` (see the module docs).
    poison: jaq_core::Filter<Jq>,
}

fn defs() -> impl Iterator<Item = jaq_core::load::parse::Def<&'static str>> {
    // DEFS is a constant; a test checks that it parses.
    let ours = jaq_core::load::parse(DEFS, |p| p.defs()).unwrap_or_default();
    jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs()).chain(ours)
}

/// Compiles the program, or returns jq-style compile error messages.
fn compile(program: &str, vars: &[String]) -> Result<Compiled, Vec<String>> {
    let arena = Arena::default();
    let loader = Loader::new(defs());
    let file = File { code: program, path: () };
    let modules = loader.load(&arena, file).map_err(|errs| load_errors(program, errs))?;
    let main = Compiler::default()
        .with_funs(natives())
        .with_global_vars(vars.iter().map(String::as_str))
        .compile(modules)
        .map_err(|errs| compile_errors(program, errs))?;

    // Count the terms by compiling once more with unit natives, whose table prints.
    let modules = Loader::new(defs()).load(&arena, File { code: program, path: () }).map_err(|errs| load_errors(program, errs))?;
    let unit: Vec<(&str, Box<[Bind]>, ())> = natives().into_iter().map(|(n, a, _)| (n, a, ())).collect();
    let counted = jaq_core::compile::Compiler::default()
        .with_funs(unit)
        .with_global_vars(vars.iter().map(String::as_str))
        .compile(modules)
        .map_err(|errs| compile_errors(program, errs))?;
    // A margin, in case a term's debug form ever holds a stray comma.
    let terms = count_terms(&format!("{:?}", counted.lut)) + 64;

    let poison_src = "def p: .; ".repeat(terms) + ".";
    let poison_mods = Loader::new([]).load(&arena, File { code: poison_src.as_str(), path: () }).map_err(|_| vec!["jq: error: internal".to_string()])?;
    let poison = Compiler::default().with_funs(natives()).compile(poison_mods).map_err(|_| vec!["jq: error: internal".to_string()])?;
    Ok(Compiled { main, poison })
}

/// The number of entries of `terms: [...]` in a `Lut`'s debug form.
fn count_terms(debug: &str) -> usize {
    let Some(start) = debug.find("terms: [") else { return 0 };
    let mut depth = 0usize;
    let mut count = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    let mut any = false;
    for c in debug[start + "terms: [".len()..].chars() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ']' if depth == 0 => break,
            ']' => depth -= 1,
            ',' if depth == 0 => count += 1,
            c if !c.is_whitespace() => any = true,
            _ => {}
        }
        if !c.is_whitespace() {
            any = true;
        }
    }
    if any {
        count + 1
    } else {
        0
    }
}

// ---------------------------------------------------------------------------
// Compile errors, in jq's words
// ---------------------------------------------------------------------------

/// Byte offset of `part` (a slice of `program`) in `program`.
fn offset_in(program: &str, part: &str) -> usize {
    let (p, s) = (program.as_ptr() as usize, part.as_ptr() as usize);
    if s >= p && s <= p + program.len() {
        s - p
    } else {
        program.len()
    }
}

/// `locfile_locate`: `MSG at <top-level>, line N:` then the line, then as many
/// spaces as the column (jq prints them; they are invisible but there).
fn locate(program: &str, offset: usize, msg: &str) -> String {
    let offset = char_floor(program, offset);
    let line_start = program[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_no = program[..offset].matches('\n').count() + 1;
    let line_end = program[line_start..].find('\n').map_or(program.len(), |i| line_start + i);
    format!("jq: error: {msg} at <top-level>, line {line_no}:\n{}{}", &program[line_start..line_end], " ".repeat(offset - line_start))
}

/// The largest char boundary at or before `offset`.
fn char_floor(s: &str, offset: usize) -> usize {
    let mut i = offset.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The token jq's (bison) parser would name at `offset`.
fn token_name(program: &str, offset: usize) -> String {
    let rest = &program[char_floor(program, offset)..];
    let rest = rest.trim_start();
    let Some(c) = rest.chars().next() else { return "end of file".to_string() };
    let word: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    const KEYWORDS: &[&str] =
        &["as", "def", "module", "import", "include", "if", "then", "else", "elif", "reduce", "foreach", "end", "and", "or", "try", "catch", "label", "break"];
    if !word.is_empty() {
        if KEYWORDS.contains(&word.as_str()) {
            return format!("{word}");
        }
        if c.is_ascii_digit() {
            return "LITERAL".to_string();
        }
        return "IDENT".to_string();
    }
    const OPS: &[&str] = &["?//=", "?//", "//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", ".."];
    for op in OPS {
        if rest.starts_with(op) {
            return op.to_string();
        }
    }
    match c {
        '"' => "QQSTRING_START".to_string(),
        '$' => "'$'".to_string(),
        '@' => "FORMAT".to_string(),
        '.' if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => "FIELD".to_string(),
        c if ".[]{}(),:;|+-*/%<>=?".contains(c) => format!("'{c}'"),
        _ => "INVALID_CHARACTER".to_string(),
    }
}

fn syntax_error(program: &str, offset: usize) -> String {
    let found = token_name(program, offset);
    // At the end of input jq points at the last token.
    let offset = char_floor(program, offset);
    let at = if found == "end of file" { last_token_start(program) } else { offset + (program[offset..].len() - program[offset..].trim_start().len()) };
    locate(program, at, &format!("syntax error, unexpected {found} (Unix shell quoting issues?)"))
}

fn last_token_start(program: &str) -> usize {
    let trimmed = program.trim_end();
    let bytes = trimmed.as_bytes();
    let mut i = bytes.len();
    if i == 0 {
        return 0;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    if word(bytes[i - 1]) {
        while i > 0 && word(bytes[i - 1]) {
            i -= 1;
        }
    } else {
        i -= 1;
    }
    char_floor(program, i)
}

fn load_errors(program: &str, errs: jaq_core::load::Errors<&str, ()>) -> Vec<String> {
    use jaq_core::load::Error;
    let mut out = Vec::new();
    for (_file, e) in errs {
        match e {
            Error::Io(es) => out.extend(es.into_iter().map(|(p, m)| format!("jq: error: {p}: {m}"))),
            Error::Lex(es) => {
                for (expect, at) in es {
                    use jaq_core::load::lex::Expect;
                    let off = offset_in(program, at);
                    let msg = match expect {
                        Expect::Delim(open) => {
                            // An unclosed bracket: jq's parser sees the end of input.
                            let _ = open;
                            return vec![syntax_error(program, program.len())];
                        }
                        Expect::Escape => "syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?)".to_string(),
                        Expect::Unicode => "syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?)".to_string(),
                        _ => return vec![syntax_error(program, off)],
                    };
                    out.push(locate(program, off, &msg));
                }
            }
            Error::Parse(es) => {
                // jq's parser stops at the first error.
                if let Some((_expect, at)) = es.into_iter().next() {
                    out.push(syntax_error(program, offset_in(program, at)));
                }
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

fn compile_errors(program: &str, errs: jaq_core::compile::Errors<&str, ()>) -> Vec<String> {
    use jaq_core::compile::Undefined;
    let mut out = Vec::new();
    for (_file, es) in errs {
        for (name, undef) in es {
            let off = offset_in(program, name);
            let what = match undef {
                Undefined::Filter(arity) => format!("{name}/{arity} is not defined"),
                Undefined::Var => format!("{name} is not defined"),
                Undefined::Label => format!("$*label-{name} is not defined"),
                Undefined::Mod => format!("module {name} is not defined"),
                _ => format!("{name} is not defined"),
            };
            out.push(locate(program, off, &what));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Runtime errors, in jq's words
// ---------------------------------------------------------------------------

/// jq's `jv_kind_name`.
fn kind_name(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "boolean",
        Val::Num(_) => "number",
        Val::TStr(_) | Val::BStr(_) => "string",
        Val::Arr(_) => "array",
        Val::Obj(_) => "object",
    }
}

/// `jv_dump_string_trunc` with jq's 15-byte buffer: at most 14 bytes, the last
/// three `...` when cut.
fn trunc(v: &Val) -> String {
    let mut s = String::new();
    Printer::compact().dump(v, 0, &mut s);
    let b = s.as_bytes();
    if b.len() > 14 {
        let mut cut = b[..11].to_vec();
        cut.extend_from_slice(b"...");
        String::from_utf8_lossy(&cut).into_owned()
    } else {
        s
    }
}

/// Rewrites jaq's messages for the errors learners meet into jq 1.7.1's.
fn jq_wording(msg: &str) -> String {
    let two = |rest: &str, sep: &str| -> Option<(Val, Val)> {
        let (l, used) = parse_prefix(rest.as_bytes())?;
        let rest = rest[used..].strip_prefix(sep)?;
        let (r, used) = parse_prefix(rest.as_bytes())?;
        (used == rest.len()).then_some((l, r))
    };
    if let Some(rest) = msg.strip_prefix("cannot index ") {
        if let Some((t, k)) = two(rest, " with ") {
            return match &k {
                Val::TStr(_) if string_bytes(&k).len() < 30 => {
                    format!("Cannot index {} with string \"{}\"", kind_name(&t), String::from_utf8_lossy(string_bytes(&k)))
                }
                _ => format!("Cannot index {} with {}", kind_name(&t), kind_name(&k)),
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("cannot calculate ") {
        for (op, what) in [(" + ", "cannot be added"), (" - ", "cannot be subtracted"), (" * ", "cannot be multiplied"), (" / ", "cannot be divided"), (" % ", "cannot be divided (remainder)")] {
            if let Some((l, r)) = two(rest, op) {
                return format!("{} ({}) and {} ({}) {what}", kind_name(&l), trunc(&l), kind_name(&r), trunc(&r));
            }
        }
    }
    if let Some(value) = msg.strip_suffix(" has no length") {
        if let Some((v, used)) = parse_prefix(value.as_bytes()) {
            if used == value.len() {
                return format!("{} ({}) has no length", kind_name(&v), trunc(&v));
            }
        }
    }
    if let Some(rest) = msg.strip_prefix("cannot use ") {
        if let Some((v, used)) = parse_prefix(rest.as_bytes()) {
            let tail = &rest[used..];
            if tail == " as iterable (array or object)" {
                return format!("Cannot iterate over {} ({})", kind_name(&v), trunc(&v));
            }
            if tail == " as number" && matches!(v, Val::TStr(_) | Val::Arr(_) | Val::Obj(_) | Val::Null | Val::Bool(_)) {
                return format!("{} ({}) cannot be negated", kind_name(&v), trunc(&v));
            }
        }
    }
    msg.to_string()
}

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

/// One input file (or stdin); `data` is `None` when it could not be read, and
/// `name` then holds jq's message.
struct Source {
    name: String,
    data: Option<Vec<u8>>,
}

/// Where an input value came from, as jq reports it: `<stdin>:3`, `a.json:12`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pos {
    Unknown,
    At(String, u64),
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pos::Unknown => f.write_str("<unknown>"),
            Pos::At(name, line) => write!(f, "{name}:{line}"),
        }
    }
}

enum Event {
    Value { value: Val, pos: Pos },
    FileError(String),
    ParseError(String),
}

/// `-s`: every value in one array; a parse error still ends reading.
fn slurp(events: Vec<Event>) -> Vec<Event> {
    let mut values = Vec::new();
    let mut out = Vec::new();
    for ev in events {
        match ev {
            Event::Value { value, .. } => values.push(value),
            Event::FileError(m) => out.push(Event::FileError(m)),
            Event::ParseError(m) => {
                out.push(Event::ParseError(m));
                return out;
            }
        }
    }
    out.push(Event::Value { value: Val::from_iter(values), pos: Pos::Unknown });
    out
}

/// `-R`: each line a string (the newline dropped, a last unterminated line kept),
/// or with `-s` everything as one string.
fn read_raw(sources: &[Source], slurp: bool) -> Vec<Event> {
    let mut events = Vec::new();
    let mut all = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    for s in sources {
        let Some(data) = &s.data else {
            events.push(Event::FileError(s.name.clone()));
            continue;
        };
        if slurp {
            all.extend_from_slice(data);
            continue;
        }
        let mut line_no = 0;
        for piece in data.split_inclusive(|b| *b == b'\n') {
            pending.extend_from_slice(piece);
            if pending.last() == Some(&b'\n') {
                pending.pop();
                line_no += 1;
                let text = String::from_utf8_lossy(&pending).into_owned();
                events.push(Event::Value { value: Val::from(text), pos: Pos::At(s.name.clone(), line_no) });
                pending.clear();
            }
        }
    }
    if slurp {
        events.push(Event::Value { value: Val::from(String::from_utf8_lossy(&all).into_owned()), pos: Pos::Unknown });
    } else if !pending.is_empty() {
        let name = sources.iter().rev().find(|s| s.data.is_some()).map(|s| s.name.clone()).unwrap_or_default();
        events.push(Event::Value { value: Val::from(String::from_utf8_lossy(&pending).into_owned()), pos: Pos::At(name, 0) });
    }
    events
}

/// jq 1.7.1's JSON parser (`src/jv_parse.c`, non-streaming mode), byte for byte in
/// what it accepts, what it reports and where: one parser reads all files in turn as
/// one stream, counting lines and columns across them.
struct JsonReader {
    stack: Vec<Slot>,
    next: Option<Val>,
    token: Vec<u8>,
    in_string: bool,
    escape: bool,
    line: u64,
    column: u64,
}

enum Slot {
    Arr(Vec<Val>),
    Obj(jaq_json::Map),
    Key(Val),
}

const MAX_PARSING_DEPTH: usize = 256;

impl JsonReader {
    /// Reads all sources into values (with jq's position of each), file errors
    /// where the reader meets them, and the first parse error, which ends reading.
    fn read_all(sources: &[Source]) -> Vec<Event> {
        let mut p = JsonReader { stack: Vec::new(), next: None, token: Vec::new(), in_string: false, escape: false, line: 1, column: 0 };
        let mut events = Vec::new();
        let mut bom_done = false;
        let last_data = sources.iter().rposition(|s| s.data.is_some());
        for (si, s) in sources.iter().enumerate() {
            let Some(data) = &s.data else {
                events.push(Event::FileError(s.name.clone()));
                continue;
            };
            let mut data: &[u8] = data;
            if !bom_done && !data.is_empty() {
                if let Some(rest) = data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                    data = rest;
                }
                bom_done = true;
            }
            // jq reads with fgets into a 4096-byte buffer: a chunk ends after a
            // newline or after 4095 bytes, and the line count goes up per chunk that
            // holds a newline. A value reports the count when it completes.
            let mut line_count = 0u64;
            let mut chunk_start = 0usize;
            while chunk_start < data.len() {
                let max_end = (chunk_start + 4095).min(data.len());
                let chunk_end = match data[chunk_start..max_end].iter().position(|b| *b == b'\n') {
                    Some(i) => chunk_start + i + 1,
                    None => max_end,
                };
                if data[chunk_end - 1] == b'\n' {
                    line_count += 1;
                }
                for &ch in &data[chunk_start..chunk_end] {
                    match p.scan(ch) {
                        Ok(Some(value)) => events.push(Event::Value { value, pos: Pos::At(s.name.clone(), line_count) }),
                        Ok(None) => {}
                        Err(msg) => {
                            events.push(Event::ParseError(format!("{msg} at line {}, column {}", p.line, p.column)));
                            return events;
                        }
                    }
                }
                chunk_start = chunk_end;
            }
            if Some(si) == last_data {
                // End of all input.
                match p.finish() {
                    Ok(Some(value)) => events.push(Event::Value { value, pos: Pos::At(s.name.clone(), line_count) }),
                    Ok(None) => {}
                    Err(msg) => events.push(Event::ParseError(msg)),
                }
            }
        }
        events
    }

    /// `scan()`: one byte; a completed top-level value, or an error message.
    fn scan(&mut self, ch: u8) -> Result<Option<Val>, String> {
        self.column += 1;
        if ch == b'\n' {
            self.line += 1;
            self.column = 0;
        }
        let mut answer = None;
        if !self.in_string {
            let class = match ch {
                b' ' | b'\t' | b'\r' | b'\n' => 1,
                b'"' => 2,
                b'[' | b',' | b']' | b'{' | b':' | b'}' => 3,
                _ => 0,
            };
            if class != 0 {
                self.check_literal()?;
                if let Some(v) = self.check_done() {
                    answer = Some(v);
                }
            }
            match class {
                0 => self.token.push(ch),
                2 => self.in_string = true,
                3 => self.structure(ch)?,
                _ => {}
            }
            if let Some(v) = self.check_done() {
                answer = Some(v);
            }
        } else if ch == b'"' && !self.escape {
            self.found_string()?;
            self.in_string = false;
            if let Some(v) = self.check_done() {
                answer = Some(v);
            }
        } else {
            self.token.push(ch);
            self.escape = ch == b'\\' && !self.escape;
        }
        Ok(answer)
    }

    /// End of input: a pending literal, an unfinished string or term.
    fn finish(&mut self) -> Result<Option<Val>, String> {
        if self.in_string {
            return Err(format!("Unfinished string at EOF at line {}, column {}", self.line, self.column));
        }
        if let Err(msg) = self.check_literal() {
            return Err(format!("{msg} at EOF at line {}, column {}", self.line, self.column));
        }
        if !self.stack.is_empty() {
            return Err(format!("Unfinished JSON term at EOF at line {}, column {}", self.line, self.column));
        }
        Ok(self.next.take())
    }

    fn check_done(&mut self) -> Option<Val> {
        if self.stack.is_empty() {
            self.next.take()
        } else {
            None
        }
    }

    fn value(&mut self, v: Val) -> Result<(), String> {
        if self.next.is_some() {
            return Err("Expected separator between values".into());
        }
        self.next = Some(v);
        Ok(())
    }

    fn structure(&mut self, ch: u8) -> Result<(), String> {
        match ch {
            b'[' | b'{' => {
                if self.stack.len() >= MAX_PARSING_DEPTH {
                    return Err("Exceeds depth limit for parsing".into());
                }
                if self.next.is_some() {
                    return Err("Expected separator between values".into());
                }
                self.stack.push(if ch == b'[' { Slot::Arr(Vec::new()) } else { Slot::Obj(jaq_json::Map::default()) });
            }
            b':' => {
                let Some(next) = self.next.take() else { return Err("Expected string key before ':'".into()) };
                if !matches!(self.stack.last(), Some(Slot::Obj(_))) {
                    self.next = Some(next);
                    return Err("':' not as part of an object".into());
                }
                if !matches!(next, Val::TStr(_)) {
                    self.next = Some(next);
                    return Err("Object keys must be strings".into());
                }
                self.stack.push(Slot::Key(next));
            }
            b',' => {
                let Some(next) = self.next.take() else { return Err("Expected value before ','".into()) };
                match self.stack.last_mut() {
                    None => {
                        self.next = Some(next);
                        return Err("',' not as part of an object or array".into());
                    }
                    Some(Slot::Arr(a)) => a.push(next),
                    Some(Slot::Key(_)) => self.set_pair(next),
                    Some(Slot::Obj(_)) => {
                        self.next = Some(next);
                        return Err("Objects must consist of key:value pairs".into());
                    }
                }
            }
            b']' => {
                let Some(Slot::Arr(_)) = self.stack.last() else { return Err("Unmatched ']'".into()) };
                let Some(Slot::Arr(mut a)) = self.stack.pop() else { unreachable!() };
                match self.next.take() {
                    Some(v) => a.push(v),
                    None if !a.is_empty() => {
                        self.stack.push(Slot::Arr(a));
                        return Err("Expected another array element".into());
                    }
                    None => {}
                }
                self.next = Some(Val::from_iter(a));
            }
            b'}' => {
                if self.stack.is_empty() {
                    return Err("Unmatched '}'".into());
                }
                if let Some(next) = self.next.take() {
                    if !matches!(self.stack.last(), Some(Slot::Key(_))) {
                        self.next = Some(next);
                        return Err("Objects must consist of key:value pairs".into());
                    }
                    self.set_pair(next);
                } else {
                    match self.stack.last() {
                        Some(Slot::Obj(o)) if !o.is_empty() => return Err("Expected another key-value pair".into()),
                        Some(Slot::Obj(_)) => {}
                        _ => return Err("Unmatched '}'".into()),
                    }
                }
                let Some(Slot::Obj(o)) = self.stack.pop() else { return Err("Unmatched '}'".into()) };
                self.next = Some(Val::obj(o));
            }
            _ => {}
        }
        Ok(())
    }

    fn set_pair(&mut self, value: Val) {
        if let Some(Slot::Key(k)) = self.stack.pop() {
            if let Some(Slot::Obj(o)) = self.stack.last_mut() {
                o.insert(k, value);
            }
        }
    }

    /// `found_string()`: unescapes the token as jq does.
    fn found_string(&mut self) -> Result<(), String> {
        let t = std::mem::take(&mut self.token);
        let mut out: Vec<u8> = Vec::with_capacity(t.len());
        let mut i = 0;
        while i < t.len() {
            let c = t[i];
            i += 1;
            if c == b'\\' {
                let Some(&e) = t.get(i) else { return Err("Expected escape character at end of string".into()) };
                i += 1;
                match e {
                    b'\\' | b'"' | b'/' => out.push(e),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b't' => out.push(b'\t'),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b'u' => {
                        if i + 4 > t.len() {
                            return Err("Invalid \\uXXXX escape".into());
                        }
                        let Some(mut cp) = unhex4(&t[i..i + 4]) else { return Err("Invalid characters in \\uXXXX escape".into()) };
                        i += 4;
                        if (0xD800..=0xDBFF).contains(&cp) {
                            if i + 6 > t.len() || t[i] != b'\\' || t[i + 1] != b'u' {
                                return Err("Invalid \\uXXXX\\uXXXX surrogate pair escape".into());
                            }
                            let low = unhex4(&t[i + 2..i + 6]).unwrap_or(0);
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return Err("Invalid \\uXXXX\\uXXXX surrogate pair escape".into());
                            }
                            i += 6;
                            cp = 0x10000 + (((cp - 0xD800) << 10) | (low - 0xDC00));
                        }
                        // Lone low surrogates become U+FFFD, as jq's UTF-8 encoder does.
                        let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => return Err("Invalid escape".into()),
                }
            } else {
                if c <= 0x1f {
                    return Err("Invalid string: control characters from U+0000 through U+001F must be escaped".into());
                }
                out.push(c);
            }
        }
        self.escape = false;
        self.value(Val::from(String::from_utf8_lossy(&out).into_owned()))
    }

    /// `check_literal()`: `true`, `false`, `null`, or a number.
    fn check_literal(&mut self) -> Result<(), String> {
        if self.token.is_empty() {
            return Ok(());
        }
        let t = std::mem::take(&mut self.token);
        let pattern: Option<(&[u8], Val)> = match t[0] {
            b't' => Some((b"true", Val::Bool(true))),
            b'f' => Some((b"false", Val::Bool(false))),
            b'n' if t.get(1) == Some(&b'u') => Some((b"null", Val::Null)),
            _ => None,
        };
        let v = match pattern {
            Some((p, v)) => {
                if t != p {
                    return Err("Invalid literal".into());
                }
                v
            }
            None => match number_literal(&t) {
                Some(v) => v,
                None => return Err("Invalid numeric literal".into()),
            },
        };
        self.value(v)
    }
}

fn unhex4(h: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(h).ok()?;
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// A number as decNumber reads it (jq 1.7.1 keeps the literal): integers become
/// jaq integers, other numbers keep their text, which the printer canonicalises.
fn number_literal(t: &[u8]) -> Option<Val> {
    let s = std::str::from_utf8(t).ok()?;
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "nan" | "snan") {
        return Some(Val::Num(Num::Float(f64::NAN)));
    }
    if matches!(lower.as_str(), "inf" | "infinity") {
        let inf = if s.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
        return Some(Val::Num(Num::Float(inf)));
    }
    let dec = Decimal::parse(s)?;
    if dec.exponent == 0 && !(dec.negative && dec.digits == "0") {
        let digits = if dec.negative { format!("-{}", dec.digits) } else { dec.digits.clone() };
        if let Some(n) = Num::from_str_radix(&digits, 10) {
            return Some(Val::Num(n));
        }
    }
    if dec.adjusted().unsigned_abs() > 999_999_999 {
        // Beyond decNumber's range: jq falls back to the double (infinity or zero).
        return Some(Val::Num(Num::Float(s.parse().ok()?)));
    }
    Some(Val::Num(Num::Dec(Rc::new(s.to_string()))))
}

/// A decimal number as decNumber holds it: sign, coefficient digits, exponent.
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    fn parse(s: &str) -> Option<Decimal> {
        let (negative, body) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (mant, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int, frac) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut exponent: i64 = 0;
        if let Some(e) = exp {
            let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            exponent = digits.parse::<i64>().unwrap_or(i64::MAX / 4).min(i64::MAX / 4);
            if e.starts_with('-') {
                exponent = -exponent;
            }
        }
        exponent -= frac.len() as i64;
        let all = format!("{int}{frac}");
        let trimmed = all.trim_start_matches('0');
        let digits = if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() };
        Some(Decimal { negative, digits, exponent })
    }

    fn adjusted(&self) -> i64 {
        self.exponent + self.digits.len() as i64 - 1
    }

    /// decNumber's to-scientific-string.
    fn to_sci_string(&self) -> String {
        let mut s = String::new();
        if self.negative {
            s.push('-');
        }
        let d = &self.digits;
        let adj = self.adjusted();
        if self.exponent <= 0 && adj >= -6 {
            if self.exponent == 0 {
                s.push_str(d);
            } else {
                let point = d.len() as i64 + self.exponent;
                if point > 0 {
                    s.push_str(&d[..point as usize]);
                    s.push('.');
                    s.push_str(&d[point as usize..]);
                } else {
                    s.push_str("0.");
                    s.push_str(&"0".repeat((-point) as usize));
                    s.push_str(d);
                }
            }
        } else {
            s.push_str(&d[..1]);
            if d.len() > 1 {
                s.push('.');
                s.push_str(&d[1..]);
            }
            s.push('E');
            if adj >= 0 {
                s.push('+');
            }
            let _ = write!(s, "{adj}");
        }
        s
    }
}

/// A tolerant one-value parser for re-reading values out of jaq's messages:
/// returns the value and the bytes it took.
fn parse_prefix(text: &[u8]) -> Option<(Val, usize)> {
    let mut p = JsonReader { stack: Vec::new(), next: None, token: Vec::new(), in_string: false, escape: false, line: 1, column: 0 };
    for (i, &ch) in text.iter().enumerate() {
        // A value is complete when nothing is open and the next byte is a space.
        if ch == b' ' && p.stack.is_empty() && !p.in_string {
            p.check_literal().ok()?;
            return p.next.take().map(|v| (v, i));
        }
        match p.scan(ch) {
            Ok(Some(v)) => return Some((v, i + 1)),
            Ok(None) => {}
            Err(_) => return None,
        }
    }
    p.finish().ok()?.map(|v| (v, text.len()))
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

const COLRESET: &str = "\x1b[0m";
/// jq 1.7.1's default colours (`def_colors` in `src/jv_print.c`): null, false,
/// true, numbers, strings, arrays, objects, object keys.
const COLORS: [&str; 8] = ["\x1b[0;90m", "\x1b[0;39m", "\x1b[0;39m", "\x1b[0;39m", "\x1b[0;32m", "\x1b[1;39m", "\x1b[1;39m", "\x1b[1;34m"];
/// jq's `MAX_PRINT_DEPTH`.
const MAX_PRINT_DEPTH: usize = 256;

/// `jv_dump_term`'s flags.
struct Printer {
    /// `None`: compact; `Some(n)`: pretty with n spaces (or n tabs).
    indent: Option<usize>,
    tab: bool,
    sort_keys: bool,
    ascii: bool,
    color: bool,
}

impl Printer {
    fn compact() -> Printer {
        Printer { indent: None, tab: false, sort_keys: false, ascii: false, color: false }
    }

    fn from_options(o: &Options) -> Printer {
        // FIXME: jq colours output by default when stdout is a terminal; the `Io`
        // does not say whether it is, so colour is only on with `-C`.
        Printer { indent: o.indent, tab: o.tab, sort_keys: o.sort_keys, ascii: o.ascii, color: o.color }
    }

    fn put_indent(&self, n: usize, s: &mut String) {
        if self.tab {
            s.extend(std::iter::repeat_n('\t', n));
        } else {
            s.extend(std::iter::repeat_n(' ', n * self.indent.unwrap_or(0)));
        }
    }

    fn color_of(v: &Val) -> &'static str {
        match v {
            Val::Null => COLORS[0],
            Val::Bool(false) => COLORS[1],
            Val::Bool(true) => COLORS[2],
            Val::Num(_) => COLORS[3],
            Val::TStr(_) | Val::BStr(_) => COLORS[4],
            Val::Arr(_) => COLORS[5],
            Val::Obj(_) => COLORS[6],
        }
    }

    fn dump_plain_string(&self, v: &Val, s: &mut String) {
        dump_string(string_bytes(v), self.ascii, s);
    }

    /// `jv_dump_term`.
    fn dump(&self, v: &Val, indent: usize, s: &mut String) {
        let color = self.color.then(|| Self::color_of(v));
        if let Some(c) = color {
            s.push_str(c);
        }
        let pretty = self.indent.is_some();
        if indent > MAX_PRINT_DEPTH {
            s.push_str("<skipped: too deep>");
        } else {
            match v {
                Val::Null => s.push_str("null"),
                Val::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
                Val::Num(n) => format_number(n, s),
                Val::TStr(_) | Val::BStr(_) => dump_string(string_bytes(v), self.ascii, s),
                Val::Arr(a) if a.is_empty() => s.push_str("[]"),
                Val::Arr(a) => {
                    s.push('[');
                    if pretty {
                        s.push('\n');
                        self.put_indent(indent + 1, s);
                    }
                    for (i, elem) in a.iter().enumerate() {
                        if i != 0 {
                            if pretty {
                                s.push_str(",\n");
                                self.put_indent(indent + 1, s);
                            } else {
                                s.push(',');
                            }
                        }
                        self.dump(elem, indent + 1, s);
                        if let Some(c) = color {
                            s.push_str(c);
                        }
                    }
                    if pretty {
                        s.push('\n');
                        self.put_indent(indent, s);
                    }
                    if let Some(c) = color {
                        s.push_str(c);
                    }
                    s.push(']');
                }
                Val::Obj(o) if o.is_empty() => s.push_str("{}"),
                Val::Obj(o) => {
                    s.push('{');
                    if pretty {
                        s.push('\n');
                        self.put_indent(indent + 1, s);
                    }
                    let mut entries: Vec<(&Val, &Val)> = o.iter().collect();
                    if self.sort_keys {
                        entries.sort_by(|a, b| key_bytes(a.0).cmp(&key_bytes(b.0)));
                    }
                    for (i, (k, val)) in entries.into_iter().enumerate() {
                        if i != 0 {
                            if pretty {
                                s.push_str(",\n");
                                self.put_indent(indent + 1, s);
                            } else {
                                s.push(',');
                            }
                        }
                        if color.is_some() {
                            s.push_str(COLRESET);
                            s.push_str(COLORS[7]);
                        }
                        dump_string(&key_bytes(k), self.ascii, s);
                        if let Some(c) = color {
                            s.push_str(COLRESET);
                            s.push_str(c);
                        }
                        s.push_str(if pretty { ": " } else { ":" });
                        if color.is_some() {
                            s.push_str(COLRESET);
                        }
                        self.dump(val, indent + 1, s);
                        if let Some(c) = color {
                            s.push_str(c);
                        }
                    }
                    if pretty {
                        s.push('\n');
                        self.put_indent(indent, s);
                    }
                    if let Some(c) = color {
                        s.push_str(c);
                    }
                    s.push('}');
                }
            }
        }
        if color.is_some() {
            s.push_str(COLRESET);
        }
    }
}

fn string_bytes(v: &Val) -> &[u8] {
    match v {
        Val::TStr(b) | Val::BStr(b) => b,
        _ => &[],
    }
}

/// Object keys are strings in JSON; jaq allows others, printed as their JSON.
fn key_bytes(k: &Val) -> Vec<u8> {
    match k {
        Val::TStr(b) | Val::BStr(b) => b.to_vec(),
        other => {
            let mut s = String::new();
            Printer::compact().dump(other, 0, &mut s);
            s.into_bytes()
        }
    }
}

/// `jvp_dump_string`: quotes, `\"` `\\`, short escapes for \b \t \r \n \f, `\u00XX`
/// for other controls and DEL, other characters as they are (or `\uXXXX`, with
/// surrogate pairs, under `-a`). Invalid UTF-8 becomes U+FFFD, as jq's reader does.
fn dump_string(bytes: &[u8], ascii: bool, s: &mut String) {
    s.push('"');
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\u{8}' => s.push_str("\\b"),
            '\t' => s.push_str("\\t"),
            '\r' => s.push_str("\\r"),
            '\n' => s.push_str("\\n"),
            '\u{c}' => s.push_str("\\f"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c if ascii && (c as u32) > 0x7e => {
                let cp = c as u32;
                if cp <= 0xffff {
                    let _ = write!(s, "\\u{cp:04x}");
                } else {
                    let cp = cp - 0x10000;
                    let _ = write!(s, "\\u{:04x}\\u{:04x}", 0xD800 | ((cp & 0xffc00) >> 10), 0xDC00 | (cp & 0x3ff));
                }
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

/// Numbers as jq 1.7.1 prints them: literals canonicalised as decNumber does
/// (`1.0`, `1E+2`, `100000000000000000000`), computed doubles as `jvp_dtoa_fmt`
/// lays out the shortest round-trip digits (`0.30000000000000004`, `1e+300`),
/// NaN as `null` and infinities as the largest double.
fn format_number(n: &Num, s: &mut String) {
    match n {
        Num::Int(i) => {
            let _ = write!(s, "{i}");
        }
        Num::BigInt(i) => {
            let _ = write!(s, "{i}");
        }
        Num::Float(f) => format_double(*f, s),
        Num::Dec(text) => match Decimal::parse(text) {
            Some(d) if d.adjusted().unsigned_abs() <= 999_999_999 => s.push_str(&d.to_sci_string()),
            _ => format_double(text.parse().unwrap_or(f64::NAN), s),
        },
    }
}

fn format_double(f: f64, s: &mut String) {
    if f.is_nan() {
        s.push_str("null");
        return;
    }
    let f = f.clamp(f64::MIN, f64::MAX);
    // Shortest round-trip digits and decimal exponent, as dtoa mode 0 gives them.
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut decpt: i64 = exp.parse::<i64>().unwrap_or(0) + 1;
    if neg {
        s.push('-');
    }
    let nd = digits.len() as i64;
    if decpt <= -4 || decpt > nd + 15 {
        s.push_str(&digits[..1]);
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        decpt -= 1;
        if decpt < 0 {
            s.push('-');
            decpt = -decpt;
        } else {
            s.push('+');
        }
        let _ = write!(s, "{decpt:02}");
    } else if decpt <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-decpt) as usize));
        s.push_str(digits);
    } else if decpt >= nd {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', (decpt - nd) as usize));
    } else {
        s.push_str(&digits[..decpt as usize]);
        s.push('.');
        s.push_str(&digits[decpt as usize..]);
    }
}

/// Drops a value without recursing, so a deeply nested result cannot overflow the
/// stack on the way out.
fn drop_deep(v: Val) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Val::Arr(a) => {
                if let Ok(items) = Rc::try_unwrap(a) {
                    stack.extend(items);
                }
            }
            Val::Obj(o) => {
                if let Ok(map) = Rc::try_unwrap(o) {
                    for (k, v) in map {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn our_definitions_parse() {
        assert!(jaq_core::load::parse(super::DEFS, |p| p.defs()).is_some());
    }
}
