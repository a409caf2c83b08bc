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
    match flag {
        Some(text) => images::parse_rfc3339(text).map_err(|e| {
            CliError::usage(format!("--now: {e}")).with_hint("write it like 2026-01-31T12:00:00Z")
        }),
        None => Ok(jiff::Timestamp::now().as_microsecond()),
    }
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
