//! Robustness: thousands of seeded random inputs (bytes, token soups, deep nesting) go
//! through the parser and the interpreter. Nothing may panic, overflow the stack or run
//! long. A failure prints the seed and the input so it replays.

mod common;

use kubeniwa_shell::{check_syntax, is_complete, Shell, Vfs};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// SplitMix64: tiny, portable and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "echo", "cat", "grep", "sed", "awk", "ls", "cd", "hello", "kubectl", "x", "f", "if", "then", "elif", "else", "fi", "for", "in",
    "do", "done", "while", "until", "case", "esac", ";;", "function", "local", "return", "break", "continue", "exit", "export",
    "alias", "unset", "read", "source", "eval", "(", ")", "{", "}", "((", "))", "$((", "$(", "`", "'", "\"", "\\", "<<", "<<-",
    "<<<", "EOF", "'EOF'", "\n", "|", "|&", "&&", "||", ";", "&", ">", ">>", "<", "2>&1", "&>", ">&2", "${", "${x:-", "${#",
    "${x/", "$x", "$@", "$*", "$?", "$#", "$1", "[[", "]]", "[", "]", "!", "*", "?", "~", "$", "#", "=", "==", "=~", "x=1",
    "f()", "-f", "-eq", "1", "0", "+", "-", "/", "%", "**", "'{print $1}'", "s/a/b/g", "-n", "-e", "a*", ".", "..", "/",
    "/dev/null", "true", "false", ":", "printf", "%s", "%d", "%q", "seq", "xargs", "tee", "sort", "head", "-", "--", " ", "  ",
    "é", "日本", "🙂", "{1..3}", "{a,b}", "<(", "${x#é}", "${x:1:2}", "$'\\x41'", "\t", "\r\n",
];

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(80);
    let bytes: Vec<u8> = (0..len)
        .map(|_| match rng.below(4) {
            0 => {
                let specials = b"$(){}[]'\"`\\|&;<>*?~#=!\n ";
                specials[rng.below(specials.len())]
            }
            _ => (rng.next() & 0x7f) as u8,
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn token_soup(rng: &mut Rng) -> String {
    let n = 1 + rng.below(30);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(TOKENS[rng.below(TOKENS.len())]);
        if rng.below(3) > 0 {
            s.push(' ');
        }
    }
    s
}

fn deep(rng: &mut Rng) -> String {
    let depth = 50 + rng.below(2000);
    let (open, close) = [
        ("(", ")"),
        ("$(", ")"),
        ("{ ", "; }"),
        ("$((", "))"),
        ("[[ ( ", " ) ]]"),
        ("if true; then ", "; fi"),
        ("`", "`"),
        ("${x:-", "}"),
        ("\"$(", ")\""),
        ("f() { ", "; }; f"),
        ("while ", "; do :; done"),
        ("echo $((1+", "))"),
    ][rng.below(12)];
    let closed = rng.below(2) == 0;
    format!("{}echo x{}", open.repeat(depth), if closed { close.repeat(depth) } else { String::new() })
}

/// Runs one input through everything; returns how long it took.
fn exercise(input: &str) -> Duration {
    let start = Instant::now();
    let _ = is_complete(input);
    let _ = check_syntax(input);
    let mut shell = Shell::new(Vfs::new(), "/home/learner");
    shell.set_step_budget(2_000);
    let mut host = common::TestHost;
    let _ = shell.run(&mut host, input);
    // A second run in the same shell: state left behind must be sane too.
    let _ = shell.run(&mut host, "echo after; x=1; f() { :; }; f");
    start.elapsed()
}

/// `FUZZ_SCALE=20 cargo test --test fuzz` runs twenty times as many seeds.
fn scale() -> u64 {
    std::env::var("FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

fn run_seeds(name: &str, seeds: std::ops::Range<u64>, generate: fn(&mut Rng) -> String) {
    let seeds = seeds.start..seeds.start + (seeds.end - seeds.start) * scale();
    for seed in seeds {
        let mut rng = Rng(seed);
        let input = generate(&mut rng);
        let result = catch_unwind(AssertUnwindSafe(|| exercise(&input)));
        match result {
            Ok(elapsed) => assert!(elapsed < Duration::from_secs(5), "{name}: seed {seed} took {elapsed:?}; input: {input:?}"),
            Err(_) => panic!("{name}: seed {seed} panicked; input: {input:?}"),
        }
    }
}

/// The fuzz inputs run on a thread with a wasm-sized stack (1 MiB), so an input
/// that would overflow the browser's stack overflows here too.
fn with_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).expect("spawn").join().expect("fuzz thread");
}

#[test]
fn random_bytes_never_panic() {
    with_small_stack(|| run_seeds("bytes", 0..3000, random_bytes));
}

#[test]
fn token_soups_never_panic() {
    with_small_stack(|| run_seeds("tokens", 0..3000, token_soup));
}

#[test]
fn deep_nesting_is_bounded() {
    with_small_stack(|| run_seeds("deep", 0..120, deep));
}

#[test]
fn programs_survive_random_arguments() {
    with_small_stack(|| {
        run_seeds("programs", 0..1500, |rng| {
            let progs = ["grep", "sed", "awk", "printf", "cut", "tr", "sort", "head", "tail", "wc", "base64", "seq", "ls", "cp", "mv", "rm", "mkdir", "test", "[", "xargs"];
            let p = progs[rng.below(progs.len())];
            let mut s = format!("printf 'a b\\nc:d\\n' > f; printf 'x y\\n1 2\\n' | {p}");
            for _ in 0..rng.below(5) {
                let arg = match rng.below(3) {
                    0 => TOKENS[rng.below(TOKENS.len())].to_string(),
                    1 => random_bytes(rng).chars().take(8).collect(),
                    _ => ["-n", "-e", "-d", "-f", "1", "2", "f", "-k2", "s/x/y/", "{print}", "%s%d", "[:upper:]", "-w0", "-c"][rng.below(14)].to_string(),
                };
                s.push_str(&format!(" '{}'", arg.replace('\'', "")));
            }
            s
        })
    });
}
