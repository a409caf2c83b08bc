//! Reviewed exceptions (`--ignore-file`): ecrctl's TOML form, or trivy's `.trivyignore`.
//!
//! ```toml
//! [[ignore]]
//! id = "CVE-2023-4911"          # required: CVE or finding name
//! package = "glibc"             # optional: only for this package
//! until = "2026-03-31"          # optional: stops applying after this date (a warning says so)
//! reason = "not reachable: no setuid binaries in the image"
//! ```
//!
//! `.trivyignore`: one ID per line, `#` comments, optional `exp:YYYY-MM-DD` after the ID.

use jiff::civil::Date;
use serde::Deserialize;

use crate::error::{CliError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    pub id: String,
    pub package: Option<String>,
    pub until: Option<Date>,
    pub reason: Option<String>,
}

impl IgnoreEntry {
    pub fn expired(&self, today: Date) -> bool {
        self.until.is_some_and(|until| today > until)
    }

    pub fn matches(&self, id: &str, package: Option<&str>) -> bool {
        self.id.eq_ignore_ascii_case(id)
            && self.package.as_deref().is_none_or(|p| Some(p) == package)
    }

    pub fn describe(&self) -> String {
        let mut text = self.id.clone();
        if let Some(p) = &self.package {
            text.push_str(&format!(" ({p})"));
        }
        text
    }
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

/// `YYYY-MM-DD`, strictly.
pub fn parse_date(text: &str) -> std::result::Result<Date, String> {
    let ok_shape = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    ok_shape
        .then(|| text.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

pub fn parse(text: &str, source: &str) -> Result<Vec<IgnoreEntry>> {
    let bad = |why: String| {
        CliError::usage(format!("{source} is not a valid ignore file"))
            .with_cause(why)
            .with_hint("TOML: [[ignore]] entries with id, package, until = \"YYYY-MM-DD\", reason; or .trivyignore lines `ID [exp:YYYY-MM-DD]`")
    };
    let toml_form = source.ends_with(".toml") || text.lines().any(|l| l.trim() == "[[ignore]]");
    if toml_form {
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
                let until = until.transpose().map_err(|why| {
                    bad(format!("ignore entry {} (`{}`): until: {why}", i + 1, e.id))
                })?;
                if e.id.trim().is_empty() {
                    return Err(bad(format!("ignore entry {} has an empty id", i + 1)));
                }
                Ok(IgnoreEntry {
                    id: e.id,
                    package: e.package,
                    until,
                    reason: e.reason,
                })
            })
            .collect()
    } else {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let id = parts.next().unwrap_or_default().to_string();
            let mut until = None;
            for extra in parts {
                match extra.strip_prefix("exp:") {
                    Some(date) => {
                        until = Some(
                            parse_date(date)
                                .map_err(|why| bad(format!("line {}: {why}", n + 1)))?,
                        )
                    }
                    None => {
                        return Err(bad(format!(
                            "line {}: unexpected `{extra}` (only `exp:YYYY-MM-DD` may follow the ID)",
                            n + 1
                        )));
                    }
                }
            }
            entries.push(IgnoreEntry {
                id,
                package: None,
                until,
                reason: None,
            });
        }
        Ok(entries)
    }
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
    }

    #[test]
    fn trivyignore_lines() {
        let entries = parse(
            "# reviewed\nCVE-1\nCVE-2 exp:2026-02-01  # temporary\n",
            ".trivyignore",
        )
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].until, Some(jiff::civil::date(2026, 2, 1)));
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
        assert!(parse("CVE-1 because\n", ".trivyignore").is_err());
        assert_eq!(
            parse("CVE-1 exp:2026-13-01", "x")
                .unwrap_err()
                .exit_code()
                .code(),
            2
        );
    }
}
