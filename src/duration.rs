//! Human durations for flags: `90s`, `30m`, `1h`, `2h30m`, `1d`.

use std::time::Duration;

/// Parses a duration such as `1h30m`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: use e.g. 90s, 30m, 1h, 2h30m or 1d");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
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
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
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
    fn describes_both_directions() {
        assert_eq!(describe_seconds(43_080), "11h 58m");
        assert_eq!(describe_seconds(-90_000), "1d 1h ago");
        assert_eq!(describe_seconds(59), "59s");
        assert_eq!(describe_seconds(3600), "1h");
    }
}
