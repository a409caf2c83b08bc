//! Reviewed exceptions (`--ignore-file`): ecrctl's TOML form, trivy's `.trivyignore`, or
//! trivy's `.trivyignore.yaml`. Every date is a UTC calendar date.
//!
//! ```toml
//! [[ignore]]
//! id = "CVE-2023-4911"          # required: CVE or finding name
//! package = "glibc"             # optional: only for this package
//! until = "2026-03-31"          # optional: applies through this date (UTC); a warning says when it expired
//! reason = "not reachable: no setuid binaries in the image"
//! ```
//!
//! `.trivyignore` (as trivy reads it): one ID per line, `#` comments, `exp:YYYY-MM-DD`
//! anywhere after the ID (the entry stops applying at 00:00 UTC of that date), any other
//! text after the ID is a remark.
//!
//! `.trivyignore.yaml`: `vulnerabilities:` entries with `id`, optional `purls` (package
//! URLs: the entry applies to those packages, and versions when the purl has one),
//! `paths` (file paths: ECR findings carry none, so such an entry matches only when it
//! also names purls), `statement` (the reason) and `expired_at` (00:00 UTC of that date).
//!
//! A UTF-8 byte order mark at the start of the file is skipped.

use jiff::civil::Date;
use serde::Deserialize;

use crate::error::{CliError, Result};
use crate::model::finding::Finding;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreEntry {
    pub id: String,
    pub package: Option<String>,
    /// The last day (UTC) the entry applies.
    pub until: Option<Date>,
    pub reason: Option<String>,
    /// Only this package version (from a versioned purl).
    pub version: Option<String>,
    /// Restricted to file paths (`.trivyignore.yaml` `paths` without `purls`): ECR
    /// findings have no file path, so the entry matches nothing (and a warning says so).
    pub paths_only: bool,
}

impl IgnoreEntry {
    pub fn expired(&self, today: Date) -> bool {
        self.until.is_some_and(|until| today > until)
    }

    pub fn matches(&self, id: &str, package: Option<&str>) -> bool {
        !self.paths_only
            && self.id.eq_ignore_ascii_case(id)
            && self.package.as_deref().is_none_or(|p| Some(p) == package)
    }

    /// [`matches`](Self::matches), and the package version when the entry names one.
    pub fn matches_finding(&self, f: &Finding) -> bool {
        self.matches(&f.id, f.package.as_deref())
            && self
                .version
                .as_deref()
                .is_none_or(|v| Some(v) == f.version.as_deref())
    }

    pub fn describe(&self) -> String {
        let mut text = self.id.clone();
        match (&self.package, &self.version) {
            (Some(p), Some(v)) => text.push_str(&format!(" ({p}@{v})")),
            (Some(p), None) => text.push_str(&format!(" ({p})")),
            _ => {}
        }
        if self.paths_only {
            text.push_str(" (paths only)");
        }
        text
    }

    /// When the entry stopped applying: `2026-02-01T00:00:00Z` for the last day 2026-01-31.
    pub fn expiry_text(&self) -> Option<String> {
        let until = self.until?;
        Some(match until.tomorrow() {
            Ok(next) => format!("{next}T00:00:00Z"),
            Err(_) => format!("the end of {until} (UTC)"),
        })
    }
}

/// The current date in UTC, whatever the runner's time zone.
pub fn today_utc() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    ignore: Vec<TomlEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlEntry {
    id: String,
    package: Option<String>,
    until: Option<TomlDate>,
    reason: Option<String>,
}

/// `until = "2026-03-31"` (text) or `until = 2026-03-31` (a TOML date).
#[derive(Deserialize)]
#[serde(untagged, expecting = "a date: \"YYYY-MM-DD\" or a TOML date")]
enum TomlDate {
    Text(String),
    Date(toml::value::Datetime),
}

/// trivy's `.trivyignore.yaml`. Sections other than `vulnerabilities` do not apply to
/// ECR's findings and are accepted as they are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlFile {
    #[serde(default)]
    vulnerabilities: Vec<YamlEntry>,
    #[serde(default, rename = "misconfigurations")]
    _misconfigurations: serde::de::IgnoredAny,
    #[serde(default, rename = "secrets")]
    _secrets: serde::de::IgnoredAny,
    #[serde(default, rename = "licenses")]
    _licenses: serde::de::IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlEntry {
    id: String,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    purls: Vec<String>,
    statement: Option<String>,
    expired_at: Option<String>,
}

/// `YYYY-MM-DD`, strictly.
pub fn parse_date(text: &str) -> std::result::Result<Date, String> {
    let ok_shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    ok_shape
        .then(|| text.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// trivy's expiry date: the entry stops applying at 00:00 UTC of that date, so its last
/// day is the day before.
fn expiry_date(text: &str) -> std::result::Result<Date, String> {
    let date = parse_date(text)?;
    date.yesterday()
        .map_err(|_| format!("`{text}` is out of range"))
}

/// The package name and version of a package URL (`pkg:deb/debian/openssl@3.0.11?arch=x`).
fn purl_package(purl: &str) -> std::result::Result<(String, Option<String>), String> {
    let bad = || format!("`{purl}` is not a package URL (pkg:TYPE/NAMESPACE/NAME@VERSION)");
    let rest = purl.strip_prefix("pkg:").ok_or_else(bad)?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (path, version) = match rest.rsplit_once('@') {
        Some((path, version)) if !version.is_empty() => (path, Some(version)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut segments = path.split('/');
    let _kind = segments.next().filter(|t| !t.is_empty()).ok_or_else(bad)?;
    let name = segments
        .next_back()
        .filter(|n| !n.is_empty())
        .ok_or_else(bad)?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok((decode(name), version.map(decode)))
}

enum Form {
    Toml,
    Yaml,
    TrivyIgnore,
}

fn form(text: &str, source: &str) -> Form {
    let lower = source.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Form::Yaml
    } else if lower.ends_with(".toml") || text.lines().any(|l| l.trim() == "[[ignore]]") {
        Form::Toml
    } else if text
        .lines()
        .any(|l| l.trim_end() == "vulnerabilities:" || l.starts_with("vulnerabilities:"))
    {
        Form::Yaml
    } else {
        Form::TrivyIgnore
    }
}

pub fn parse(text: &str, source: &str) -> Result<Vec<IgnoreEntry>> {
    let bad = |why: String| {
        CliError::usage(format!("{source} is not a valid ignore file"))
            .with_cause(why)
            .with_hint("TOML: [[ignore]] entries with id, package, until = \"YYYY-MM-DD\", reason; .trivyignore lines `ID [exp:YYYY-MM-DD]`; or .trivyignore.yaml `vulnerabilities:` entries with id, purls, statement, expired_at")
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match form(text, source) {
        Form::Toml => parse_toml(text, &bad),
        Form::Yaml => parse_yaml(text, &bad),
        Form::TrivyIgnore => parse_trivyignore(text, &bad),
    }
}

fn parse_toml(text: &str, bad: &dyn Fn(String) -> CliError) -> Result<Vec<IgnoreEntry>> {
    let file: TomlFile =
        toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
    file.ignore
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let until = e.until.map(|d| match d {
                TomlDate::Text(s) => parse_date(&s),
                TomlDate::Date(d) => parse_date(&d.to_string()),
            });
            let until = until
                .transpose()
                .map_err(|why| bad(format!("ignore entry {} (`{}`): until: {why}", i + 1, e.id)))?;
            if e.id.trim().is_empty() {
                return Err(bad(format!("ignore entry {} has an empty id", i + 1)));
            }
            Ok(IgnoreEntry {
                id: e.id,
                package: e.package,
                until,
                reason: e.reason,
                ..IgnoreEntry::default()
            })
        })
        .collect()
}

fn parse_yaml(text: &str, bad: &dyn Fn(String) -> CliError) -> Result<Vec<IgnoreEntry>> {
    let file: YamlFile = if text.trim().is_empty() {
        YamlFile {
            vulnerabilities: Vec::new(),
            _misconfigurations: serde::de::IgnoredAny,
            _secrets: serde::de::IgnoredAny,
            _licenses: serde::de::IgnoredAny,
        }
    } else {
        serde_norway::from_str(text).map_err(|e| bad(e.to_string()))?
    };
    let mut entries = Vec::new();
    for (i, e) in file.vulnerabilities.into_iter().enumerate() {
        let at = |why: String| bad(format!("vulnerabilities[{i}] (`{}`): {why}", e.id));
        if e.id.trim().is_empty() {
            return Err(bad(format!("vulnerabilities[{i}] has an empty id")));
        }
        let until = e
            .expired_at
            .as_deref()
            .map(expiry_date)
            .transpose()
            .map_err(|why| at(format!("expired_at: {why}")))?;
        let base = IgnoreEntry {
            id: e.id.clone(),
            until,
            reason: e.statement.clone(),
            ..IgnoreEntry::default()
        };
        if e.purls.is_empty() {
            entries.push(IgnoreEntry {
                paths_only: !e.paths.is_empty(),
                ..base
            });
            continue;
        }
        for purl in &e.purls {
            let (name, version) = purl_package(purl).map_err(|why| at(format!("purls: {why}")))?;
            entries.push(IgnoreEntry {
                package: Some(name),
                version,
                ..base.clone()
            });
        }
    }
    Ok(entries)
}

fn parse_trivyignore(text: &str, bad: &dyn Fn(String) -> CliError) -> Result<Vec<IgnoreEntry>> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let id = parts.next().unwrap_or_default().to_string();
        let mut until = None;
        // As trivy: `exp:` fields set the expiry; any other text is a remark.
        for extra in parts {
            if let Some(date) = extra.strip_prefix("exp:") {
                until =
                    Some(expiry_date(date).map_err(|why| bad(format!("line {}: {why}", n + 1)))?);
            }
        }
        entries.push(IgnoreEntry {
            id,
            until,
            ..IgnoreEntry::default()
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_entries() {
        let text = "[[ignore]]\nid = \"CVE-1\"\npackage = \"openssl\"\nuntil = 2026-03-31\nreason = \"r\"\n\n[[ignore]]\nid = \"CVE-2\"\nuntil = \"2026-01-01\"\n";
        let entries = parse(text, "ignore.toml").unwrap();
        assert_eq!(entries[0].until, Some(jiff::civil::date(2026, 3, 31)));
        assert!(entries[0].matches("cve-1", Some("openssl")));
        assert!(!entries[0].matches("CVE-1", Some("libssl")));
        assert!(entries[1].matches("CVE-2", None));
        assert!(entries[1].expired(jiff::civil::date(2026, 1, 2)));
        assert!(!entries[1].expired(jiff::civil::date(2026, 1, 1)));
        assert_eq!(entries[1].expiry_text().unwrap(), "2026-01-02T00:00:00Z");
        // A byte order mark (Windows editors) is not part of the TOML.
        let bom = format!("\u{feff}{text}");
        assert_eq!(parse(&bom, "ignore.toml").unwrap(), entries);
    }

    #[test]
    fn trivyignore_lines() {
        let entries = parse(
            "\u{feff}# reviewed\nCVE-1\nCVE-2 exp:2026-02-01  # temporary\nCVE-3 not reachable exp:2026-03-01 see JIRA-1\n",
            ".trivyignore",
        )
        .unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].id, "CVE-1", "the BOM is not part of the id");
        // trivy: `exp:2026-02-01` stops applying at 2026-02-01 00:00 UTC.
        assert_eq!(entries[1].until, Some(jiff::civil::date(2026, 1, 31)));
        assert!(!entries[1].expired(jiff::civil::date(2026, 1, 31)));
        assert!(entries[1].expired(jiff::civil::date(2026, 2, 1)));
        assert_eq!(entries[1].expiry_text().unwrap(), "2026-02-01T00:00:00Z");
        assert_eq!(entries[2].id, "CVE-3");
        assert_eq!(entries[2].until, Some(jiff::civil::date(2026, 2, 28)));
    }

    #[test]
    fn trivyignore_yaml() {
        let text = "vulnerabilities:\n  - id: CVE-1\n    statement: Accept the risk\n  - id: CVE-2\n    purls:\n      - pkg:deb/debian/libssl1.1\n      - pkg:npm/%40babel/core@7.0.0?x=1\n    expired_at: 2026-09-01\n  - id: CVE-3\n    paths:\n      - usr/lib/x.jar\nmisconfigurations:\n  - id: AVD-DS-0001\n";
        let entries = parse(text, ".trivyignore.yaml").unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].reason.as_deref(), Some("Accept the risk"));
        assert!(entries[0].matches("CVE-1", Some("anything")));
        assert_eq!(entries[1].package.as_deref(), Some("libssl1.1"));
        assert_eq!(entries[1].version, None);
        assert_eq!(entries[1].until, Some(jiff::civil::date(2026, 8, 31)));
        assert_eq!(entries[2].package.as_deref(), Some("core"));
        assert_eq!(entries[2].version.as_deref(), Some("7.0.0"));
        assert!(entries[3].paths_only && !entries[3].matches("CVE-3", Some("x")));
        let mut f =
            crate::model::finding::Finding::basic("CVE-2".into(), "HIGH".into(), None, None, |k| {
                match k {
                    "package_name" => Some("core".into()),
                    "package_version" => Some("7.0.1".into()),
                    _ => None,
                }
            });
        assert!(!entries[2].matches_finding(&f), "another version");
        f.version = Some("7.0.0".into());
        assert!(entries[2].matches_finding(&f));
        // Detected by content too, whatever the file is called.
        assert_eq!(parse(text, "exceptions").unwrap().len(), 4);
        for bad in [
            "vulnerabilities:\n  - id: CVE-1\n    expired_at: soon\n",
            "vulnerabilities:\n  - id: CVE-1\n    purls: [\"deb/openssl\"]\n",
            "vulnerabilities:\n  - id: CVE-1\n    colour: red\n",
            "vulnerabilities:\n  - purls: []\n",
            "vulnerabilitys:\n  - id: CVE-1\n",
        ] {
            let e = parse(bad, ".trivyignore.yaml").unwrap_err();
            assert_eq!(e.exit_code().code(), 2, "{bad}");
        }
    }

    #[test]
    fn bad_input_is_rejected() {
        assert!(parse("[[ignore]]\nid = \"x\"\ncolour = \"red\"\n", "i.toml").is_err());
        assert!(parse("[[ignore]]\nid = \"x\"\nuntil = \"31/03/2026\"\n", "i.toml").is_err());
        assert!(parse("[[ignore]]\nid = \"x\"\nuntil = \"2026-02-30\"\n", "i.toml").is_err());
        assert!(parse("[[ignore]]\nid = \"x\"\nuntil = 20260331\n", "i.toml").is_err());
        assert!(parse("[[ignore]]\nid = 5\n", "i.toml").is_err());
        assert!(
            parse(
                "[[ignore]]\nid = \"x\"\nuntil = 2026-03-31T10:00:00Z\n",
                "i.toml"
            )
            .is_err()
        );
        let ok = parse("[[ignore]]\nid = \"x\"\nuntil = 2026-03-31\n", "i.toml").unwrap();
        assert_eq!(ok[0].until, Some(jiff::civil::date(2026, 3, 31)));
        assert!(parse("CVE-1 exp:tomorrow\n", ".trivyignore").is_err());
        assert_eq!(
            parse("CVE-1 exp:2026-13-01", "x")
                .unwrap_err()
                .exit_code()
                .code(),
            2
        );
    }
}
