//! How Go prints and parses numbers (`strconv`), the base every kubectl text format stands on.
//!
//! Rust's `{:e}` formatting yields the shortest digits that round-trip, exactly what Go's
//! `strconv.FormatFloat(f, fmt, -1, bits)` computes with its Ryu implementation; only the
//! layout around those digits differs, and that is what this module reproduces.

/// The shortest decimal digits of a finite float and its decimal point position,
/// as Go's `decimalSlice` holds them: value = 0.d1d2...dn × 10^dp.
struct Digits {
    neg: bool,
    digits: Vec<u8>,
    dp: i32,
}

fn shortest_digits(f: f64, bits32: bool) -> Digits {
    let neg = f.is_sign_negative();
    let text = if bits32 { format!("{:e}", (f as f32).abs()) } else { format!("{:e}", f.abs()) };
    // Rust prints e.g. "1.2345e6", "5e-7", "0e0".
    let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(|b| b.is_ascii_digit()).collect();
    if digits.iter().all(|&d| d == b'0') {
        return Digits { neg, digits: Vec::new(), dp: 0 };
    }
    let mut digits = digits;
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    Digits { neg, digits, dp: exp + 1 }
}

fn fmt_e(d: &Digits, prec: i32) -> String {
    let mut out = String::new();
    if d.neg {
        out.push('-');
    }
    out.push(d.digits.first().map(|&c| c as char).unwrap_or('0'));
    if prec > 0 {
        out.push('.');
        let mut i = 1usize;
        let m = d.digits.len().min(prec as usize + 1);
        while i < m {
            out.push(d.digits[i] as char);
            i += 1;
        }
        while i <= prec as usize {
            out.push('0');
            i += 1;
        }
    }
    out.push('e');
    let mut exp = d.dp - 1;
    if d.digits.is_empty() {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
    out
}

fn fmt_f(d: &Digits, prec: i32) -> String {
    let mut out = String::new();
    if d.neg {
        out.push('-');
    }
    if d.dp > 0 {
        let m = (d.digits.len() as i32).min(d.dp);
        for i in 0..m {
            out.push(d.digits[i as usize] as char);
        }
        for _ in m..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.dp + i;
            let ch = if j >= 0 && (j as usize) < d.digits.len() { d.digits[j as usize] } else { b'0' };
            out.push(ch as char);
        }
    }
    out
}

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf".into() } else { "-Inf".into() })
    } else {
        None
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (or 32 when `bits32`).
pub fn format_g(f: f64, bits32: bool) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let d = shortest_digits(f, bits32);
    let nd = d.digits.len() as i32;
    let exp = d.dp - 1;
    // Shortest mode decides between %e and %f with precision 6.
    if !(-4..6).contains(&exp) {
        return fmt_e(&d, nd - 1);
    }
    fmt_f(&d, (nd - d.dp).max(0))
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`.
pub fn format_e(f: f64) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let d = shortest_digits(f, false);
    let prec = (d.digits.len() as i32 - 1).max(0);
    fmt_e(&d, prec)
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn format_f(f: f64) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let d = shortest_digits(f, false);
    let prec = (d.digits.len() as i32 - d.dp).max(0);
    fmt_f(&d, prec)
}

/// How Go's `encoding/json` writes a float64: `%f` between 1e-6 and 1e21, else `%e`
/// with a one-digit negative exponent cleaned up (`1e-07` becomes `1e-7`).
pub fn format_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = format_e(f);
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
        s
    } else {
        format_f(f)
    }
}

/// `strconv.ParseInt(s, 0, 64)`: sign, then `0x`/`0o`/`0b`/leading-`0` octal or decimal;
/// underscores only between digits after a base prefix (Go literal syntax).
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, rest) = split_sign(s);
    let u = parse_uint_base0_inner(rest)?;
    if neg {
        if u <= (i64::MAX as u64) + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// `strconv.ParseUint(s, 0, 64)`; no sign allowed.
pub fn parse_uint_base0(s: &str) -> Option<u64> {
    parse_uint_base0_inner(s)
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(r) = s.strip_prefix('+') {
        (false, r)
    } else if let Some(r) = s.strip_prefix('-') {
        (true, r)
    } else {
        (false, s)
    }
}

fn parse_uint_base0_inner(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (base, digits, prefixed) = if b[0] == b'0' && b.len() > 1 {
        match b[1] {
            b'x' | b'X' => (16, &s[2..], true),
            b'o' | b'O' => (8, &s[2..], true),
            b'b' | b'B' => (2, &s[2..], true),
            _ => (8, &s[1..], true),
        }
    } else {
        (10, s, false)
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    let mut saw_digit = false;
    let mut prev_underscore = false;
    for c in digits.chars() {
        if c == '_' {
            // Go allows '_' after a base prefix or between digits.
            if !(prefixed || saw_digit) || prev_underscore {
                return None;
            }
            prev_underscore = true;
            continue;
        }
        let d = c.to_digit(base)? as u64;
        n = n.checked_mul(base as u64)?.checked_add(d)?;
        saw_digit = true;
        prev_underscore = false;
    }
    if prev_underscore || !saw_digit {
        return None;
    }
    Some(n)
}

/// `strconv.ParseFloat(s, 64)` for decimal text (the only form go-yaml hands it);
/// out-of-range values are errors, as in Go.
pub fn parse_float_decimal(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if s.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if lower == "nan" {
        return if body.len() == s.len() { Some(f64::NAN) } else { None };
    }
    // Decimal: digits, optional '.', digits, optional exponent. At least one mantissa digit.
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut mant_digits = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
        mant_digits += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            mant_digits += 1;
        }
    }
    if mant_digits == 0 {
        return None;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let v: f64 = s.parse().ok()?;
    if v.is_infinite() {
        return None;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_layouts() {
        let cases = [
            (1.5, "1.5", "1.5"),
            (1234567.0, "1.234567e+06", "1234567"),
            (100000.0, "100000", "100000"),
            (1e6, "1e+06", "1000000"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "1e-05", "0.00001"),
            (1e-7, "1e-07", "1e-7"),
            (1e21, "1e+21", "1e+21"),
            (1e20, "1e+20", "100000000000000000000"),
            (0.0, "0", "0"),
            (-2.5, "-2.5", "-2.5"),
            (0.1, "0.1", "0.1"),
            (123456.789, "123456.789", "123456.789"),
        ];
        for (f, g, json) in cases {
            assert_eq!(format_g(f, false), g, "g {f}");
            assert_eq!(format_json_float(f), json, "json {f}");
        }
        assert_eq!(format_g(1.1, true), "1.1");
    }

    #[test]
    fn go_parse_int() {
        assert_eq!(parse_int_base0("0x1F"), Some(31));
        assert_eq!(parse_int_base0("017"), Some(15));
        assert_eq!(parse_int_base0("0o17"), Some(15));
        assert_eq!(parse_int_base0("08"), None);
        assert_eq!(parse_int_base0("-12"), Some(-12));
        assert_eq!(parse_int_base0("+12"), Some(12));
        assert_eq!(parse_int_base0("0"), Some(0));
        assert_eq!(parse_int_base0("9223372036854775808"), None);
        assert_eq!(parse_uint_base0("9223372036854775808"), Some(9223372036854775808));
        assert_eq!(parse_int_base0("-9223372036854775808"), Some(i64::MIN));
    }
}
