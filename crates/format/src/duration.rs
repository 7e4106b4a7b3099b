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

    /// apimachinery's TestHumanDurationBoundaries and TestShortHumanDurationBoundaries, in ms.
    #[test]
    fn upstream_boundaries() {
        assert_eq!(human_duration_signed(-2000), "<invalid>", "-2000");
        assert_eq!(human_duration_signed(-1999), "0s", "-1999");
        assert_eq!(human_duration_signed(0), "0s", "0");
        assert_eq!(human_duration_signed(999), "0s", "999");
        assert_eq!(human_duration_signed(119999), "119s", "119999");
        assert_eq!(human_duration_signed(120000), "2m", "120000");
        assert_eq!(human_duration_signed(121000), "2m1s", "121000");
        assert_eq!(human_duration_signed(599999), "9m59s", "599999");
        assert_eq!(human_duration_signed(600000), "10m", "600000");
        assert_eq!(human_duration_signed(601000), "10m", "601000");
        assert_eq!(human_duration_signed(10799999), "179m", "10799999");
        assert_eq!(human_duration_signed(10800000), "3h", "10800000");
        assert_eq!(human_duration_signed(10860000), "3h1m", "10860000");
        assert_eq!(human_duration_signed(28799999), "7h59m", "28799999");
        assert_eq!(human_duration_signed(28800000), "8h", "28800000");
        assert_eq!(human_duration_signed(32340000), "8h", "32340000");
        assert_eq!(human_duration_signed(172799999), "47h", "172799999");
        assert_eq!(human_duration_signed(172800000), "2d", "172800000");
        assert_eq!(human_duration_signed(176400000), "2d1h", "176400000");
        assert_eq!(human_duration_signed(691199999), "7d23h", "691199999");
        assert_eq!(human_duration_signed(691200000), "8d", "691200000");
        assert_eq!(human_duration_signed(774000000), "8d", "774000000");
        assert_eq!(human_duration_signed(63071999999), "729d", "63071999999");
        assert_eq!(human_duration_signed(63072000000), "2y", "63072000000");
        assert_eq!(human_duration_signed(63154800000), "2y", "63154800000");
        assert_eq!(human_duration_signed(63158340000), "2y", "63158340000");
        assert_eq!(human_duration_signed(63158399999), "2y", "63158399999");
        assert_eq!(human_duration_signed(63158400000), "2y1d", "63158400000");
        assert_eq!(human_duration_signed(94608000000), "3y", "94608000000");
        assert_eq!(human_duration_signed(126144000000), "4y", "126144000000");
        assert_eq!(human_duration_signed(157680000000), "5y", "157680000000");
        assert_eq!(human_duration_signed(189216000000), "6y", "189216000000");
        assert_eq!(human_duration_signed(220752000000), "7y", "220752000000");
        assert_eq!(human_duration_signed(252287999999), "7y364d", "252287999999");
        assert_eq!(human_duration_signed(252288000000), "8y", "252288000000");
        assert_eq!(human_duration_signed(283737600000), "8y", "283737600000");
        assert_eq!(human_duration_signed(283824000000), "9y", "283824000000");
        assert_eq!(short_human_duration_signed(-2000), "<invalid>", "-2000");
        assert_eq!(short_human_duration_signed(-1999), "0s", "-1999");
        assert_eq!(short_human_duration_signed(0), "0s", "0");
        assert_eq!(short_human_duration_signed(999), "0s", "999");
        assert_eq!(short_human_duration_signed(1000), "1s", "1000");
        assert_eq!(short_human_duration_signed(1999), "1s", "1999");
        assert_eq!(short_human_duration_signed(59999), "59s", "59999");
        assert_eq!(short_human_duration_signed(60000), "1m", "60000");
        assert_eq!(short_human_duration_signed(119999), "1m", "119999");
        assert_eq!(short_human_duration_signed(3599999), "59m", "3599999");
        assert_eq!(short_human_duration_signed(3600000), "1h", "3600000");
        assert_eq!(short_human_duration_signed(7199999), "1h", "7199999");
        assert_eq!(short_human_duration_signed(86399999), "23h", "86399999");
        assert_eq!(short_human_duration_signed(86400000), "1d", "86400000");
        assert_eq!(short_human_duration_signed(172799999), "1d", "172799999");
        assert_eq!(short_human_duration_signed(31535999999), "364d", "31535999999");
        assert_eq!(short_human_duration_signed(31536000000), "1y", "31536000000");
        assert_eq!(short_human_duration_signed(63071999999), "1y", "63071999999");
        assert_eq!(short_human_duration_signed(63072000000), "2y", "63072000000");
    }
}
