//! YAML 1.1 scalar resolution exactly as go-yaml v2's `resolve("", s)` does it.
//!
//! Both directions need it: reading a plain scalar decides its type with it, and writing a
//! string decides with it whether the string must be quoted (a string that would read back as
//! anything but a string is quoted).

use crate::gonum;

/// What a plain scalar means under go-yaml v2's YAML 1.1 rules.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// Looks like a timestamp; go-yaml keeps such values as strings when the target is untyped.
    Timestamp,
    /// The merge key `<<`.
    Merge,
    Str,
}

/// go-yaml v2 `resolve("", in)`.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => return Resolved::Null,
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(r) = resolve_map(s) {
        return r;
    }
    match hint {
        b'.' => {
            if let Some(f) = gonum::parse_float_decimal(s) {
                return Resolved::Float(f);
            }
        }
        b'D' | b'S' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = gonum::parse_int_base0(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = gonum::parse_uint_base0(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = gonum::parse_float_decimal(&plain) {
                    return Resolved::Float(f);
                }
            }
            // The "0b"/"-0b" branches in go-yaml are reached only when ParseInt base 0 already
            // failed, and base 0 handles "0b" itself; "-0b" with a binary body does as well.
        }
        _ => {}
    }
    Resolved::Str
}

fn resolve_map(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    } else {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
/// Such strings are quoted on output although they resolve to strings.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if b[i] == b'+' || b[i] == b'-' {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]: one or two digits, the first of two at most 5.
        if i + 1 < b.len() && (b'0'..=b'5').contains(&b[i]) && b[i + 1].is_ascii_digit() {
            i += 2;
        } else if i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        } else {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `parseTimestamp`: four digits and a '-', then Go's `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || digits == b.len() || b[4] != b'-' {
        return false;
    }
    parse_layout(b, Some(b'T'), true)
        || parse_layout(b, Some(b't'), true)
        || parse_layout(b, Some(b' '), false)
        || parse_layout(b, None, false)
}

fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    match b.get(*i).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => {
            *i += 1;
            Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
        }
        None => Some(u32::from(d0 - b'0')),
    }
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 => {
            if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One of the four layouts. `sep` is the date/time separator (None: date only);
/// `tz` says whether a `Z07:00` zone follows.
fn parse_layout(b: &[u8], sep: Option<u8>, tz: bool) -> bool {
    let year: i64 = std::str::from_utf8(&b[..4]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut i = 5;
    let Some(month) = getnum(b, &mut i) else { return false };
    if !(1..=12).contains(&month) {
        return false;
    }
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = getnum(b, &mut i) else { return false };
    if let Some(sep) = sep {
        if sep == b' ' {
            // A space in a Go layout matches one or more spaces.
            if b.get(i) != Some(&b' ') {
                return false;
            }
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
        } else {
            if b.get(i) != Some(&sep) {
                return false;
            }
            i += 1;
        }
        let Some(hour) = getnum(b, &mut i) else { return false };
        if hour >= 24 || b.get(i) != Some(&b':') {
            return false;
        }
        i += 1;
        let Some(min) = getnum(b, &mut i) else { return false };
        if min >= 60 || b.get(i) != Some(&b':') {
            return false;
        }
        i += 1;
        let Some(sec) = getnum(b, &mut i) else { return false };
        if sec >= 60 {
            return false;
        }
        // Optional fraction: ',' or '.' followed by at least one digit.
        if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if tz {
            if b.get(i) == Some(&b'Z') {
                i += 1;
            } else {
                if b.len() < i + 6 || b[i + 3] != b':' {
                    return false;
                }
                let sign = b[i];
                let hh = &b[i + 1..i + 3];
                let mm = &b[i + 4..i + 6];
                if !hh.iter().chain(mm.iter()).all(u8::is_ascii_digit) {
                    return false;
                }
                if sign != b'+' && sign != b'-' {
                    return false;
                }
                let h = u32::from(hh[0] - b'0') * 10 + u32::from(hh[1] - b'0');
                let m = u32::from(mm[0] - b'0') * 10 + u32::from(mm[1] - b'0');
                if h > 24 || m > 60 {
                    return false;
                }
                i += 6;
            }
        }
    }
    if i != b.len() {
        return false;
    }
    day >= 1 && day <= days_in(month, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_resolution() {
        use Resolved::*;
        let cases: &[(&str, Resolved)] = &[
            ("yes", Bool(true)),
            ("No", Bool(false)),
            ("ON", Bool(true)),
            ("y", Bool(true)),
            ("yES", Str),
            ("~", Null),
            ("", Null),
            ("0x1F", Int(31)),
            ("017", Int(15)),
            ("0o17", Int(15)),
            ("08", Float(8.0)),
            ("1_000", Int(1000)),
            ("1e3", Float(1000.0)),
            (".5", Float(0.5)),
            ("+.5", Float(0.5)),
            ("1e400", Str),
            ("-", Str),
            ("2024-08-15T15:02:31Z", Timestamp),
            ("2024-08-15", Timestamp),
            ("2024-13-15", Str),
            ("2024-02-30", Str),
            ("2001-12-14 21:59:43.10", Timestamp),
            ("18446744073709551615", Uint(u64::MAX)),
            ("1.2.3", Str),
            ("<<", Str),
            ("nginx:1.25.3", Str),
        ];
        for (s, want) in cases {
            assert_eq!(&resolve_plain(s), want, "{s:?}");
        }
        assert!(is_base60_float("1:20"));
        assert!(!is_base60_float("8080:80"));
        assert!(is_base60_float("12:30"));
        assert!(!is_base60_float("8080:80/tcp"));
        assert!(!is_base60_float("1:2:3a"));
    }
}
