//! Generated plans: every repository under a source prefix (`--include`/`--exclude`
//! globs), every tag or those matching `--tags GLOB`, renamed with `--rename s/FROM/TO/`,
//! copied under a destination prefix. Pure, apart from the listing it is given.

use crate::lifecycle::wildcard;
use crate::model::reference;
use crate::names;

use super::plan::PlanItem;

/// `s/FROM/TO/`: FROM is literal, anchored with `^` (a prefix) or `$` (a suffix), else
/// its first occurrence is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    from: String,
    to: String,
}

impl Rename {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not s/FROM/TO/ (e.g. 's/^old-/new-/')");
        let rest = text.strip_prefix("s/").ok_or_else(bad)?;
        let rest = rest.strip_suffix('/').ok_or_else(bad)?;
        let (from, to) = rest.split_once('/').ok_or_else(bad)?;
        if from.is_empty() || from == "^" || from == "$" || to.contains('/') && to.ends_with('/') {
            return Err(bad());
        }
        Ok(Self {
            from: from.to_string(),
            to: to.to_string(),
        })
    }

    pub fn apply(&self, text: &str) -> String {
        if let Some(prefix) = self.from.strip_prefix('^') {
            return match text.strip_prefix(prefix) {
                Some(rest) => format!("{}{rest}", self.to),
                None => text.to_string(),
            };
        }
        if let Some(suffix) = self.from.strip_suffix('$') {
            return match text.strip_suffix(suffix) {
                Some(rest) => format!("{rest}{}", self.to),
                None => text.to_string(),
            };
        }
        text.replacen(&self.from, &self.to, 1)
    }
}

/// What to generate.
pub struct Selection<'a> {
    pub source_host: &'a str,
    /// Repository path prefix under the source host (may be empty).
    pub source_prefix: &'a str,
    /// Destination: `[HOST/]PATH/` prefix.
    pub destination_prefix: &'a str,
    pub include: &'a [String],
    pub exclude: &'a [String],
    /// `None`: every tag.
    pub tags: Option<&'a str>,
    pub rename: Option<&'a Rename>,
}

/// The plan for `listing` (repository → its tags), in a stable order.
pub fn plan(
    selection: &Selection<'_>,
    listing: &[(String, Vec<String>)],
) -> Result<Vec<PlanItem>, Vec<String>> {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let mut listing = listing.to_vec();
    listing.sort();
    for (repo, tags) in &listing {
        let Some(relative) = repo.strip_prefix(selection.source_prefix) else {
            continue;
        };
        let relative = relative.trim_start_matches('/');
        let included = selection.include.is_empty()
            || selection.include.iter().any(|g| wildcard::matches(g, repo));
        if !included || selection.exclude.iter().any(|g| wildcard::matches(g, repo)) {
            continue;
        }
        let renamed = selection
            .rename
            .map(|r| r.apply(relative))
            .unwrap_or_else(|| relative.to_string());
        let mut tags = tags.clone();
        tags.sort();
        for tag in tags
            .iter()
            .filter(|t| selection.tags.is_none_or(|g| wildcard::matches(g, t)))
        {
            let source = format!("{}/{repo}:{tag}", selection.source_host);
            let destination = format!("{}{renamed}:{tag}", selection.destination_prefix);
            match (reference::parse(&source), reference::parse(&destination)) {
                (Ok(source), Ok(destination)) => {
                    if let Err(problem) = names::check_repository_name(&destination.repository) {
                        problems.push(
                            names::name_error(&destination.repository, &problem)
                                .message()
                                .to_string(),
                        );
                        continue;
                    }
                    items.push(PlanItem {
                        line: items.len() + 1,
                        source,
                        destination,
                    });
                }
                (Err(e), _) | (_, Err(e)) => {
                    problems.push(format!("{source} -> {destination}: {e}"))
                }
            }
        }
    }
    if items.is_empty() && problems.is_empty() {
        problems.push("the selection matches no image".into());
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(problems)
    }
}

/// Splits `--from HOST/PREFIX` into host and prefix.
pub fn split_from(from: &str) -> Result<(String, String), String> {
    let (host, prefix) = from.split_once('/').unwrap_or((from, ""));
    if !(host.contains('.') || host.contains(':') || host == "localhost") {
        return Err(format!(
            "`{from}` does not start with a registry host (e.g. registry.example.com/team)"
        ));
    }
    Ok((
        host.to_ascii_lowercase(),
        prefix.trim_end_matches('/').to_string(),
    ))
}

/// `--to` is a prefix, like a plan destination ending in `/`.
pub fn check_to(to: &str) -> Result<(), String> {
    if to.ends_with('/') {
        Ok(())
    } else {
        Err(format!(
            "--to `{to}` must be a prefix ending in `/` (e.g. mirror/)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_like_sed_without_regexes() {
        let r = Rename::parse("s/^old-/new-/").unwrap();
        assert_eq!(r.apply("old-api"), "new-api");
        assert_eq!(r.apply("api-old-"), "api-old-");
        assert_eq!(
            Rename::parse("s/-legacy$//").unwrap().apply("api-legacy"),
            "api"
        );
        assert_eq!(
            Rename::parse("s/team/platform/").unwrap().apply("team/api"),
            "platform/api"
        );
        assert!(Rename::parse("old/new").is_err());
        assert!(Rename::parse("s/^/x/").is_err());
    }

    #[test]
    fn selects_renames_and_filters_tags() {
        let listing = vec![
            (
                "legacy/old-api".to_string(),
                vec!["v1".to_string(), "v2".to_string(), "dev".to_string()],
            ),
            ("legacy/old-web".to_string(), vec!["v1".to_string()]),
            ("legacy/tmp-x".to_string(), vec!["v1".to_string()]),
            ("other/thing".to_string(), vec!["v1".to_string()]),
        ];
        let rename = Rename::parse("s/^old-//").unwrap();
        let selection = Selection {
            source_host: "src.example:5000",
            source_prefix: "legacy",
            destination_prefix: "apps/",
            include: &[],
            exclude: &["*tmp*".to_string()],
            tags: Some("v*"),
            rename: Some(&rename),
        };
        let items = plan(&selection, &listing).unwrap();
        let pairs: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", i.source, i.destination))
            .collect();
        assert_eq!(
            pairs,
            [
                "src.example:5000/legacy/old-api:v1 apps/api:v1",
                "src.example:5000/legacy/old-api:v2 apps/api:v2",
                "src.example:5000/legacy/old-web:v1 apps/web:v1",
            ]
        );
        let none = Selection {
            tags: Some("nope*"),
            ..selection
        };
        assert!(plan(&none, &listing).is_err());
        assert_eq!(
            split_from("localhost:5000/legacy/").unwrap(),
            ("localhost:5000".to_string(), "legacy".to_string())
        );
        assert!(split_from("legacy").is_err());
    }
}
