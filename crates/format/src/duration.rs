//! apimachinery's `duration.HumanDuration` and `ShortHumanDuration`, the AGE column and
//! friends (`5s`, `2m50s`, `55m`, `5d23h`, `16d`, `3y120d`).
//!
//! Durations are whole milliseconds; Go truncates toward zero at every step, and so do these.

/// `duration.HumanDuration` for a non-negative duration in milliseconds.
pub fn human_duration(d_ms: u64) -> String {
    human_duration_signed(i64::try_from(d_ms).unwrap_or(i64::MAX))
}

/// `duration.HumanDuration` for a possibly negative duration in milliseconds (a timestamp in
/// the future): up to 2 seconds early prints `0s`, more prints `<invalid>`.
pub fn human_duration_signed(d_ms: i64) -> String {
    // int(d.Seconds()) truncates toward zero.
    let seconds = d_ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d_ms / 60_000;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d_ms / 3_600_000;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        format!("{hours}h{m}m")
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        format!("{}d{}h", hours / 24, h)
    } else if hours < 24 * 365 * 2 {
        format!("{}d", hours / 24)
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        format!("{}y{}d", hours / 24 / 365, dy)
    } else {
        format!("{}y", hours / 24 / 365)
    }
}

/// `duration.ShortHumanDuration` for a non-negative duration in milliseconds.
pub fn short_human_duration(d_ms: u64) -> String {
    short_human_duration_signed(i64::try_from(d_ms).unwrap_or(i64::MAX))
}

/// `duration.ShortHumanDuration` for a possibly negative duration in milliseconds.
pub fn short_human_duration_signed(d_ms: i64) -> String {
    let seconds = d_ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = d_ms / 60_000;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = d_ms / 3_600_000;
    if hours < 24 {
        format!("{hours}h")
    } else if hours < 24 * 365 {
        format!("{}d", hours / 24)
    } else {
        // int(d.Hours()/24/365) on floats; whole hours give the same quotient.
        format!("{}y", (d_ms as f64 / 3_600_000.0 / 24.0 / 365.0) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;

    // Cases from apimachinery's duration_test.go.
    #[test]
    fn human() {
        let cases = [
            (S, "1s"),
            (70 * S, "70s"),
            (190 * S, "3m10s"),
            (70 * M, "70m"),
            (47 * H, "47h"),
            (49 * H, "2d1h"),
            ((8 * 24 + 2) * H, "8d"),
            (367 * D, "367d"),
            ((365 * 2 + 1) * D, "2y1d"),
            ((365 * 8 + 10) * D, "8y"),
            (2 * M, "2m"),
            (5 * S, "5s"),
            (47 * S, "47s"),
            (170 * S, "2m50s"),
            (55 * M, "55m"),
            (5 * D + 23 * H, "5d23h"),
            (16 * D, "16d"),
            (3 * 365 * D + 120 * D, "3y120d"),
            (3 * H + 5 * M, "3h5m"),
            (3 * H, "3h"),
            (0, "0s"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(d), want, "{d}");
        }
        assert_eq!(human_duration_signed(-1500), "0s");
        assert_eq!(human_duration_signed(-2000), "<invalid>");
    }

    #[test]
    fn short() {
        let cases = [(S, "1s"), (70 * S, "1m"), (70 * M, "1h"), (47 * H, "1d"), (367 * D, "1y"), (59 * S, "59s")];
        for (d, want) in cases {
            assert_eq!(short_human_duration(d), want, "{d}");
        }
    }
}
