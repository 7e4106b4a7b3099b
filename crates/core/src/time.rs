//! Simulated time: milliseconds since the Unix epoch, moved only by the simulation.
//!
//! Architecture invariant: nothing in the core reads a wall clock. The sandbox starts
//! every world at [`EPOCH_START`] and advances it explicitly.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = u64;

/// When every sandbox's clock starts: 2026-11-30T09:00:00Z.
pub const EPOCH_START: Millis = 1_796_029_200_000;

/// Formats as RFC 3339 with second precision, as Kubernetes serialises `metav1.Time`.
pub fn rfc3339(t: Millis) -> String {
    let secs = t / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    if !(0..=9999).contains(&y) {
        return format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60);
    }
    // The digits written in place (this runs for every timestamp the cluster writes).
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut n: u64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, y as u64);
    put(5, 2, m as u64);
    put(8, 2, d as u64);
    put(11, 2, rem / 3600);
    put(14, 2, rem % 3600 / 60);
    put(17, 2, rem % 60);
    String::from_utf8(out.to_vec()).unwrap_or_default()
}

/// Formats as RFC 3339 with microseconds, as `metav1.MicroTime` (events, leases).
pub fn rfc3339_micro(t: Millis) -> String {
    let base = rfc3339(t);
    format!("{}.{:06}Z", &base[..base.len() - 1], (t % 1000) * 1000)
}

/// Parses the RFC 3339 forms Kubernetes writes (`2024-08-15T15:02:31Z`, with optional
/// fraction). Returns `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut millis = 0;
    let rest = &s[19..];
    let rest = if let Some(frac) = rest.strip_prefix('.') {
        let digits: String = frac.chars().take_while(|c| c.is_ascii_digit()).collect();
        let padded = format!("{digits:0<3}");
        millis = padded[..3].parse::<u64>().ok()?;
        &frac[digits.len()..]
    } else {
        rest
    };
    if rest != "Z" || !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = days_from_civil(y as i64, mo as u32, d as u32);
    if days < 0 {
        return None;
    }
    Some((days as u64 * 86_400 + h * 3600 + mi * 60 + se) * 1000 + millis)
}

/// Days since the epoch → (year, month, day), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
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

/// (year, month, day) → days since the epoch.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_start_is_the_documented_instant() {
        assert_eq!(rfc3339(EPOCH_START), "2026-11-30T09:00:00Z");
        // The digits written in place are what `format!` writes.
        for t in (0..200_000u64).map(|i| i * 7_919_333_111 % 400_000_000_000_000) {
            let secs = t / 1000;
            let (y, m, d) = civil_from_days((secs / 86_400) as i64);
            let rem = secs % 86_400;
            assert_eq!(rfc3339(t), format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60));
        }
    }

    #[test]
    fn round_trips() {
        for t in [0, EPOCH_START, EPOCH_START + 86_400_123, 951_782_400_000] {
            let s = rfc3339(t);
            assert_eq!(parse_rfc3339(&s), Some(t / 1000 * 1000), "{s}");
        }
        assert_eq!(parse_rfc3339("2024-08-15T15:02:31.5Z"), Some(1_723_734_151_500));
        assert_eq!(parse_rfc3339("2024-08-15 15:02:31Z"), None);
        assert_eq!(rfc3339_micro(1_723_734_151_500), "2024-08-15T15:02:31.500000Z");
    }
}
