//! Tag filters for generated and skopeo-sync plans: a regular expression (unanchored, as
//! `skopeo sync`'s `images-by-tag-regex`; write `^…$` to anchor) or a semantic-version
//! range (`images-by-semver`: `>= 1.2, < 2`, `~1.4`, `^2`, `1.x`, alternatives with `||`).
//! Tags that are not versions (`latest`, `main`) never match a range; a leading `v` is
//! allowed and missing minor/patch parts count as 0 (`v1.2` is 1.2.0), as skopeo reads them.

/// A compiled tag regex; the error names the flag or entry.
pub fn regex(text: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(text).map_err(|e| {
        format!(
            "`{text}` is not a valid regular expression: {}",
            e.to_string().lines().last().unwrap_or_default().trim()
        )
    })
}

/// A semantic-version range: alternatives separated by `||`, each a comma- or
/// space-separated list of comparators that must all hold.
#[derive(Debug, Clone)]
pub struct SemverRange {
    alternatives: Vec<semver::VersionReq>,
}

impl SemverRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = |e: &dyn std::fmt::Display| {
            format!("`{text}` is not a semantic-version range (e.g. '>= 1.2, < 2'): {e}")
        };
        let mut alternatives = Vec::new();
        for alternative in text.split("||") {
            let normalized = comparators(alternative).join(", ");
            if normalized.is_empty() {
                return Err(bad(&"an empty alternative"));
            }
            alternatives.push(semver::VersionReq::parse(&normalized).map_err(|e| bad(&e))?);
        }
        Ok(Self { alternatives })
    }

    pub fn matches(&self, tag: &str) -> bool {
        tag_version(tag).is_some_and(|v| self.alternatives.iter().any(|r| r.matches(&v)))
    }
}

/// `>= 1.2 < 2`, `>=1.2,<2` → `[">=1.2", "<2"]` (an operator may stand apart from its
/// version, as Masterminds/semver allows).
fn comparators(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_operator = String::new();
    for word in text.split([',', ' ']).filter(|w| !w.is_empty()) {
        if word.chars().all(|c| "<>=~^!".contains(c)) {
            pending_operator.push_str(word);
            continue;
        }
        let word = word.trim_start_matches('v');
        let (op, version) = word.split_at(word.find(|c: char| !"<>=~^".contains(c)).unwrap_or(0));
        let op = format!("{pending_operator}{op}");
        pending_operator.clear();
        out.push(format!("{op}{}", version.trim_start_matches('v')));
    }
    out
}

/// A tag read as a version: `v1.2.3`, `1.2`, `1.2.3-rc.1`; `None` for other tags.
pub fn tag_version(tag: &str) -> Option<semver::Version> {
    let text = tag.strip_prefix('v').unwrap_or(tag);
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut full: Vec<&str> = parts.clone();
    full.resize(3, "0");
    semver::Version::parse(&format!("{}{rest}", full.join("."))).ok()
}

/// Keeps only the tags `regex` and `range` (each when given) accept.
pub fn filter_listing(
    listing: &mut [(String, Vec<String>)],
    regex: Option<&regex::Regex>,
    range: Option<&SemverRange>,
) {
    for (_, tags) in listing.iter_mut() {
        tags.retain(|t| regex.is_none_or(|r| r.is_match(t)) && range.is_none_or(|r| r.matches(t)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_leniently_like_skopeo() {
        assert_eq!(tag_version("v1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(tag_version("1.2.3-rc.1").unwrap().to_string(), "1.2.3-rc.1");
        assert_eq!(tag_version("3").unwrap().to_string(), "3.0.0");
        for not in ["latest", "1.2.3.4", "v", "1..2", "1.x", "sha256-abc"] {
            assert!(tag_version(not).is_none(), "{not}");
        }
    }

    #[test]
    fn ranges_with_and_or_and_loose_spacing() {
        let r = SemverRange::parse(">= 1.2, < 2").unwrap();
        assert!(r.matches("v1.2.0") && r.matches("1.9") && !r.matches("2.0.0"));
        assert!(!r.matches("1.1.9") && !r.matches("latest"));
        assert!(
            !r.matches("1.5.0-rc.1"),
            "pre-releases only when the range names one"
        );
        let r = SemverRange::parse(">=1.2 <2 || ~3.1").unwrap();
        assert!(r.matches("1.3") && r.matches("3.1.7") && !r.matches("3.2.0"));
        let r = SemverRange::parse("1.x").unwrap();
        assert!(r.matches("1.4.2") && !r.matches("2.0"));
        assert!(SemverRange::parse("banana").is_err());
        assert!(SemverRange::parse("1.0 ||").is_err());
    }

    #[test]
    fn regexes_are_unanchored_like_skopeo_sync() {
        let r = regex(r"^1\.13\.[12]-alpine").unwrap();
        let mut listing = vec![(
            "nginx".to_string(),
            vec![
                "1.13.1-alpine-perl".into(),
                "1.13.3-alpine".into(),
                "latest".into(),
            ],
        )];
        filter_listing(&mut listing, Some(&r), None);
        assert_eq!(listing[0].1, ["1.13.1-alpine-perl"]);
        assert!(
            regex("(")
                .unwrap_err()
                .contains("not a valid regular expression")
        );
    }
}
