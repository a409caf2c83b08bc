//! Human durations for flags: `90s`, `30m`, `1h`, `2h30m`, `1d`, at most [`MAX_SECONDS`].

use std::time::Duration;

/// The longest duration a flag takes: 365 days. Longer waits are mistakes, and the bound
/// keeps every use (`as i64`, `Instant + d`, seconds → µs) far from overflowing:
/// `--min-validity 9223372036854775809` once wrapped negative and served expired tokens.
pub const MAX_SECONDS: u64 = 365 * 86_400;

/// Parses a duration such as `1h30m`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let total = parse_unbounded(text)?;
    if total > MAX_SECONDS {
        return Err(format!(
            "`{}` is out of range: a duration is at most 365d ({MAX_SECONDS}s)",
            text.trim()
        ));
    }
    Ok(Duration::from_secs(total))
}

fn parse_unbounded(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a duration: use e.g. 90s, 30m, 1h, 2h30m or 1d");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is out of range too, not "not a duration".
        return Ok(text.parse::<u64>().unwrap_or(u64::MAX));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        if number.is_empty() {
            return Err(bad());
        }
        let n: u64 = number.parse().unwrap_or(u64::MAX);
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// `11h 58m`, `42m`, `15s`, `expired 3d ago` style text for a signed number of seconds.
pub fn describe_seconds(seconds: i64) -> String {
    let abs = seconds.unsigned_abs();
    let text = if abs >= 86_400 && abs % 86_400 < 3600 {
        format!("{}d", abs / 86_400)
    } else if abs >= 86_400 {
        format!("{}d {}h", abs / 86_400, (abs % 86_400) / 3600)
    } else if abs >= 3600 && abs % 3600 < 60 {
        format!("{}h", abs / 3600)
    } else if abs >= 3600 {
        format!("{}h {}m", abs / 3600, (abs % 3600) / 60)
    } else if abs >= 60 {
        format!("{}m", abs / 60)
    } else {
        format!("{abs}s")
    };
    if seconds < 0 {
        format!("{text} ago")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_duration("2h30m").unwrap(), Duration::from_secs(9000));
        assert_eq!(parse_duration("1d").unwrap(), Duration::from_secs(86_400));
        for bad in ["", "h", "1x", "1h30", "-1h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_past_a_year_are_out_of_range() {
        assert_eq!(parse_duration("365d").unwrap().as_secs(), MAX_SECONDS);
        assert_eq!(parse_duration("31536000").unwrap().as_secs(), MAX_SECONDS);
        for big in [
            "366d",
            "31536001",
            "9223372036854775809",
            "99999999999999999999999",
            "18446744073709551615d",
            "9999999999999999999999h",
        ] {
            let e = parse_duration(big).unwrap_err();
            assert!(
                e.contains("out of range") && e.contains("365d"),
                "{big}: {e}"
            );
        }
    }

    #[test]
    fn describes_both_directions() {
        assert_eq!(describe_seconds(43_080), "11h 58m");
        assert_eq!(describe_seconds(-90_000), "1d 1h ago");
        assert_eq!(describe_seconds(59), "59s");
        assert_eq!(describe_seconds(3600), "1h");
    }
}
