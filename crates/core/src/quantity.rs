//! `resource.Quantity` as apimachinery parses it: `500m`, `1.5`, `128Mi`, `1e3`.
//! Values are kept as exact milli-units (`MilliValue`, rounded up as Kubernetes does).

/// `ErrFormatWrong`.
pub const ERR_FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// `ErrNumeric`.
pub const ERR_NUMERIC: &str = "unable to parse numeric part of quantity";
/// `ErrSuffix`.
pub const ERR_SUFFIX: &str = "unable to parse quantity's suffix";

/// Parses a quantity into milli-units (`1` → 1000, `100m` → 100, `1Ki` → 1_024_000),
/// rounding a fraction of a milli-unit up, as `Quantity.MilliValue` does.
pub fn parse_milli(s: &str) -> Result<i128, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ERR_FORMAT);
    }
    let b = s.as_bytes();
    let mut i = 0;
    let negative = matches!(b[0], b'-');
    if matches!(b[0], b'+' | b'-') {
        i = 1;
    }
    let num_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    let number = &s[num_start..i];
    if number.is_empty() {
        return Err(ERR_FORMAT);
    }
    let suffix = &s[i..];
    // The suffix must match `[eEinumkKMGTP]*[-+]?[0-9]*`.
    let sb = suffix.as_bytes();
    let mut j = 0;
    while j < sb.len() && b"eEinumkKMGTP".contains(&sb[j]) {
        j += 1;
    }
    if j < sb.len() && matches!(sb[j], b'+' | b'-') {
        j += 1;
    }
    while j < sb.len() && sb[j].is_ascii_digit() {
        j += 1;
    }
    if j != sb.len() {
        return Err(ERR_FORMAT);
    }
    if number == "." {
        return Err(ERR_NUMERIC);
    }
    // (base, exponent): value = number * base^exponent.
    let (base, exp): (i128, i32) = match suffix {
        "" => (10, 0),
        "Ki" => (2, 10),
        "Mi" => (2, 20),
        "Gi" => (2, 30),
        "Ti" => (2, 40),
        "Pi" => (2, 50),
        "Ei" => (2, 60),
        "n" => (10, -9),
        "u" => (10, -6),
        "m" => (10, -3),
        "k" => (10, 3),
        "M" => (10, 6),
        "G" => (10, 9),
        "T" => (10, 12),
        "P" => (10, 15),
        "E" => (10, 18),
        other if other.len() > 1 && matches!(other.as_bytes()[0], b'e' | b'E') => {
            let e: i32 = other[1..].parse().map_err(|_| ERR_SUFFIX)?;
            (10, e)
        }
        _ => return Err(ERR_SUFFIX),
    };
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    let frac_len = frac_part.len() as i32;
    // value(milli) = digits * 10^(3 - frac_len) * base^exp
    let mut num: i128 = 0;
    for d in digits.bytes().take(36) {
        num = num.saturating_mul(10).saturating_add((d - b'0') as i128);
    }
    let mut ten_exp = 3 - frac_len;
    let mut value = num;
    if base == 2 {
        value = value.saturating_mul(1i128 << exp.min(100));
    } else {
        ten_exp += exp;
    }
    if ten_exp >= 0 {
        for _ in 0..ten_exp.min(40) {
            value = value.saturating_mul(10);
        }
    } else {
        let mut div: i128 = 1;
        for _ in 0..(-ten_exp).min(38) {
            div = div.saturating_mul(10);
        }
        value = (value + div - 1) / div;
    }
    Ok(if negative { -value } else { value })
}

/// `Quantity.String()`: the canonical form the API server writes back (`1000m` → `1`,
/// `1024Mi` → `1Gi`, `0.5` → `500m`, `2000` → `2k`). Binary suffixes stay binary.
pub fn canonical_from(milli: i128, binary: bool) -> String {
    if milli == 0 {
        return "0".into();
    }
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let mut value = milli / 1000;
    let mut i = 0;
    let (base, suffixes): (i128, [&str; 7]) = if binary { (1024, ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]) } else { (1000, ["", "k", "M", "G", "T", "P", "E"]) };
    while i < 6 && value % base == 0 {
        value /= base;
        i += 1;
    }
    format!("{value}{}", suffixes[i])
}

/// The canonical text of a quantity as written (`None` when it does not parse).
pub fn canonical(s: &str) -> Option<String> {
    let m = parse_milli(s).ok()?;
    let t = s.trim();
    // Exponent forms and sub-milli values keep their own spelling.
    if t.contains(['e', 'E']) || t.ends_with('n') || t.ends_with('u') {
        return Some(t.to_string());
    }
    Some(canonical_from(m, t.ends_with('i')))
}

/// A quantity's milli-value, or 0 when it does not parse (stored objects were checked).
pub fn milli(v: &serde_json::Value) -> i128 {
    match v {
        serde_json::Value::String(s) => parse_milli(s).unwrap_or(0),
        serde_json::Value::Number(n) => parse_milli(&n.to_string()).unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_apimachinery() {
        let table: &[(&str, Result<i128, &str>)] = &[
            ("1", Ok(1000)),
            ("100m", Ok(100)),
            ("0.5", Ok(500)),
            ("1.5Gi", Ok(1_610_612_736_000)),
            ("128Mi", Ok(134_217_728_000)),
            ("1k", Ok(1_000_000)),
            ("1e3", Ok(1_000_000)),
            ("1n", Ok(1)),
            ("250u", Ok(1)),
            ("-1", Ok(-1000)),
            ("", Err(ERR_FORMAT)),
            ("abc", Err(ERR_FORMAT)),
            ("1x", Err(ERR_FORMAT)),
            ("500mi", Err(ERR_SUFFIX)),
            ("1Kii", Err(ERR_SUFFIX)),
            ("1.2.3", Err(ERR_FORMAT)),
            ("true", Err(ERR_FORMAT)),
        ];
        for (s, want) in table {
            assert_eq!(parse_milli(s), *want, "{s}");
        }
    }
}
