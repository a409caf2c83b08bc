//! Reading what the lifecycle commands are given: policy files, image files, the clock,
//! protection lists. Every problem is an input error (exit 2) before anything runs.

use std::path::Path;

use super::images::{self, Micros};
use super::lint;
use super::policy::{self, Policy};
use super::protect::{self, Protection};
use crate::cli::ProtectArgs;
use crate::error::{CliError, Result};

use crate::input::{self, read_file};

/// A policy and its text, linted.
pub fn policy_file(path: &Path) -> Result<(String, Policy)> {
    let text = read_file(path, input::POLICY)?;
    let policy = parse_policy(&text, &path.display().to_string())?;
    Ok((text, policy))
}

pub fn parse_policy(text: &str, source: &str) -> Result<Policy> {
    policy::parse(text).map_err(|problems| lint::problems_error(source, &problems))
}

/// A describe-images file: its images, and what it can show (archive state, index
/// children) for the warnings of an offline preview.
pub fn images_file(path: &Path) -> Result<images::ImagesFile> {
    let text = read_file(path, input::LIST)?;
    let bad = |why: String| {
        CliError::usage(format!("{} is not describe-images output", path.display()))
            .with_cause(why)
            .with_hint("save it with `ecrctl lifecycle snapshot --repository NAME > FILE` or `aws ecr describe-images --repository-name NAME --filter imageStatus=ANY --output json > FILE`")
    };
    images::parse_images_file(&text).map_err(bad)
}

/// `--now`, or the current time.
pub fn now(flag: Option<&str>) -> Result<Micros> {
    now_from(flag, jiff::Timestamp::now().as_microsecond())
}

/// `--now` against `current`: RFC 3339, or relative to `current` (`+30d`, `-7d`, `+12h`,
/// at most a year either way).
pub fn now_from(flag: Option<&str>, current: Micros) -> Result<Micros> {
    let Some(text) = flag else {
        return Ok(current);
    };
    let hint = "write it like 2026-01-31T12:00:00Z, or relative to now: +30d, -7d, +12h";
    let trimmed = text.trim();
    let relative = match trimmed.as_bytes().first() {
        Some(b'+') => Some(1i64),
        Some(b'-') => Some(-1i64),
        _ => None,
    };
    if let Some(sign) = relative {
        let span_text = trimmed[1..].trim();
        if !span_text.is_empty()
            && span_text.bytes().all(|b| b.is_ascii_digit())
            && span_text.bytes().any(|b| b != b'0')
        {
            // `+30` would be 30 seconds: say the unit.
            return Err(CliError::usage(format!(
                "--now: `{trimmed}` has no unit: say {}{span_text}d for days (or h, m, s)",
                &trimmed[..1]
            ))
            .with_hint(hint));
        }
        let span = crate::duration::parse_duration(&trimmed[1..])
            .map_err(|e| CliError::usage(format!("--now: {e}")).with_hint(hint))?;
        // At most 365 days (parse_duration's bound): no overflow.
        let micros = span.as_secs() as i64 * 1_000_000;
        let at = current.saturating_add(sign * micros);
        // The result is a time like any other: in range of what the inputs allow.
        images::parse_rfc3339(&images::format_micros(at))
            .map_err(|e| CliError::usage(format!("--now: {e}")).with_hint(hint))?;
        return Ok(at);
    }
    images::parse_rfc3339(trimmed)
        .map_err(|e| CliError::usage(format!("--now: {e}")).with_hint(hint))
}

pub fn protection(args: &ProtectArgs) -> Result<Protection> {
    for glob in &args.protect {
        if glob.is_empty() {
            return Err(CliError::usage(
                "--protect needs a tag pattern, e.g. 'prod-*'",
            ));
        }
        // A pattern no tag can match would protect nothing, silently.
        if !protect::is_tag_pattern(glob) {
            return Err(CliError::usage(format!(
                "--protect `{}` can never match a tag: tags hold only letters, digits, `_`, `.` and `-` (`*` matches any of them)",
                glob.escape_debug()
            ))
            .with_hint("protect digests and REPO:TAG references with --protect-digests FILE"));
        }
    }
    let in_use = match &args.protect_digests {
        Some(path) => protect::parse_in_use(&read_file(path, input::SETTINGS)?).map_err(|e| {
            CliError::usage(format!(
                "{} is not a list of digests or image references",
                path.display()
            ))
            .with_cause(e)
            .with_hint("one per line: sha256:…, REPO@sha256:… or REPO:TAG; `#` starts a comment")
        })?,
        None => Vec::new(),
    };
    Ok(Protection {
        tag_globs: args.protect.clone(),
        in_use,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Micros = 1_800_000_000 * 1_000_000;
    const DAY: Micros = 86_400 * 1_000_000;

    #[test]
    fn now_is_absolute_or_relative() {
        assert_eq!(now_from(None, NOW).unwrap(), NOW);
        assert_eq!(now_from(Some("+30d"), NOW).unwrap(), NOW + 30 * DAY);
        assert_eq!(now_from(Some("-7d"), NOW).unwrap(), NOW - 7 * DAY);
        assert_eq!(now_from(Some("+12h"), NOW).unwrap(), NOW + DAY / 2);
        assert_eq!(
            now_from(Some("2026-01-31T12:00:00Z"), NOW).unwrap(),
            images::parse_rfc3339("2026-01-31T12:00:00Z").unwrap()
        );
        assert_eq!(now_from(Some("+0"), NOW).unwrap(), NOW);
        for bad in [
            "+",
            "+30x",
            "30d",
            "++1d",
            "+366d",
            "yesterday",
            "+30",
            "-7",
        ] {
            let e = now_from(Some(bad), NOW).unwrap_err();
            assert_eq!(e.kind(), crate::error::FailureKind::Usage, "{bad}");
        }
    }
}
