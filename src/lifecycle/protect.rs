//! The safety net: images that must survive any policy — tags matching `--protect GLOB`,
//! and digests or image references in use (`--protect-digests FILE`, one per line, as
//! ECS task definitions or Kubernetes manifests name them).

use std::collections::{HashMap, HashSet};

use super::images::Image;
use super::wildcard;

/// One line of a protect file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InUse {
    Digest {
        repository: Option<String>,
        digest: String,
    },
    Tag {
        repository: Option<String>,
        tag: String,
    },
    /// An image a running workload uses (`--protect-in-use`), resolved to its digest;
    /// `by` names the workload(s), e.g. `ECS service prod/api`.
    Workload {
        repository: Option<String>,
        digest: String,
        by: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Protection {
    pub tag_globs: Vec<String>,
    pub in_use: Vec<InUse>,
}

impl Protection {
    /// Why `image` (in `repository`, or the image's own `repositoryName`, when known) is
    /// protected, if it is. An entry that names a repository protects only there; when the
    /// repository is not known it protects anyway (fail closed; see [`Self::warnings`]).
    pub fn reason(&self, repository: Option<&str>, image: &Image) -> Option<String> {
        for glob in &self.tag_globs {
            if let Some(tag) = image.tags.iter().find(|t| wildcard::matches(glob, t)) {
                return Some(format!("tag `{tag}` matches --protect {glob}"));
            }
        }
        let repository = repository.or(image.repository.as_deref());
        let same_repo = |r: &Option<String>| match (r, repository) {
            (Some(r), Some(current)) => r == current,
            _ => true,
        };
        self.in_use.iter().find_map(|u| match u {
            InUse::Digest {
                repository: r,
                digest,
            } if same_repo(r) && *digest == image.digest => {
                Some(format!("digest is in use ({})", short(digest)))
            }
            InUse::Tag { repository: r, tag } if same_repo(r) && image.tags.contains(tag) => {
                Some(format!("tag `{tag}` is in use"))
            }
            InUse::Workload {
                repository: r,
                digest,
                by,
            } if same_repo(r) && *digest == image.digest => Some(format!("in use by {by}")),
            _ => None,
        })
    }
}

/// [`Protection::reason`] for many images: the entries indexed by digest and by tag once,
/// so judging N images against M entries costs N + M, not N × M.
pub struct Matcher<'a> {
    protection: &'a Protection,
    repository: Option<&'a str>,
    /// Entries by the digest / tag they name, with their position (the first one wins,
    /// as in [`Protection::reason`]).
    by_digest: HashMap<&'a str, Vec<(usize, &'a InUse)>>,
    by_tag: HashMap<&'a str, Vec<(usize, &'a InUse)>>,
}

impl Protection {
    pub fn matcher<'a>(&'a self, repository: Option<&'a str>) -> Matcher<'a> {
        let mut by_digest: HashMap<&str, Vec<(usize, &InUse)>> = HashMap::new();
        let mut by_tag: HashMap<&str, Vec<(usize, &InUse)>> = HashMap::new();
        for (n, entry) in self.in_use.iter().enumerate() {
            match entry {
                InUse::Digest { digest, .. } | InUse::Workload { digest, .. } => {
                    by_digest.entry(digest).or_default().push((n, entry));
                }
                InUse::Tag { tag, .. } => by_tag.entry(tag).or_default().push((n, entry)),
            }
        }
        Matcher {
            protection: self,
            repository,
            by_digest,
            by_tag,
        }
    }
}

impl Matcher<'_> {
    /// The same answer as [`Protection::reason`].
    pub fn reason(&self, image: &Image) -> Option<String> {
        for glob in &self.protection.tag_globs {
            if let Some(tag) = image.tags.iter().find(|t| wildcard::matches(glob, t)) {
                return Some(format!("tag `{tag}` matches --protect {glob}"));
            }
        }
        let repository = self.repository.or(image.repository.as_deref());
        let same_repo = |entry: &InUse| match (entry.repository(), repository) {
            (Some(r), Some(current)) => r == current,
            _ => true,
        };
        let candidates = self
            .by_digest
            .get(image.digest.as_str())
            .into_iter()
            .chain(
                image
                    .tags
                    .iter()
                    .filter_map(|t| self.by_tag.get(t.as_str())),
            )
            .flatten();
        let (_, entry) = candidates
            .filter(|(_, entry)| same_repo(entry))
            .min_by_key(|(n, _)| *n)?;
        Some(match entry {
            InUse::Digest { digest, .. } => format!("digest is in use ({})", short(digest)),
            InUse::Tag { tag, .. } => format!("tag `{tag}` is in use"),
            InUse::Workload { by, .. } => format!("in use by {by}"),
        })
    }
}

impl InUse {
    fn repository(&self) -> Option<&str> {
        match self {
            Self::Digest { repository, .. }
            | Self::Tag { repository, .. }
            | Self::Workload { repository, .. } => repository.as_deref(),
        }
    }
}

impl std::fmt::Display for InUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Digest {
                repository: Some(r),
                digest,
            } => write!(f, "{r}@{digest}"),
            Self::Digest {
                repository: None,
                digest,
            } => f.write_str(digest),
            Self::Tag {
                repository: Some(r),
                tag,
            } => write!(f, "{r}:{tag}"),
            Self::Tag {
                repository: None,
                tag,
            } => write!(f, ":{tag}"),
            Self::Workload {
                repository,
                digest,
                by,
            } => {
                if let Some(r) = repository {
                    write!(f, "{r}@")?;
                }
                write!(f, "{digest} (used by {by})")
            }
        }
    }
}

impl Protection {
    /// What the user should hear about this protection against these images (of
    /// `repository`, or of each image's own repository when known):
    /// - a `--protect` pattern that matches no tag (a typo protects nothing, silently);
    /// - a `--protect-digests` entry for this repository (or for none) that matches nothing;
    /// - once: entries that name a repository, where an image's repository is not known,
    ///   so they protect in any repository.
    ///
    /// Entries that name another repository are for other repositories: no warning.
    pub fn warnings(&self, repository: Option<&str>, images: &[Image]) -> Vec<String> {
        let mut out = Vec::new();
        for glob in &self.tag_globs {
            let hit = images
                .iter()
                .any(|i| i.tags.iter().any(|t| wildcard::matches(glob, t)));
            if !hit {
                out.push(format!(
                    "--protect {glob} matches no tag of the {} (a typo?); it protects nothing here",
                    crate::output::count(images.len(), "image", "images")
                ));
            }
        }
        if self.in_use.is_empty() {
            // Nothing to look up: indexing every image would only cost time.
            return out;
        }
        // What the images hold, by their repository (None: not known), indexed once.
        let mut repos: HashSet<Option<&str>> = HashSet::new();
        let mut digests: HashSet<(Option<&str>, &str)> = HashSet::new();
        let mut tags: HashSet<(Option<&str>, &str)> = HashSet::new();
        let mut any_digest: HashSet<&str> = HashSet::new();
        let mut any_tag: HashSet<&str> = HashSet::new();
        for image in images {
            let r = repository.or(image.repository.as_deref());
            repos.insert(r);
            digests.insert((r, &image.digest));
            any_digest.insert(&image.digest);
            for t in &image.tags {
                tags.insert((r, t));
                any_tag.insert(t);
            }
        }
        let unknown_repository = repos.contains(&None);
        let mut unknown = false;
        for entry in &self.in_use {
            let (relevant, hit) = match entry.repository() {
                None => (
                    !images.is_empty(),
                    match entry {
                        InUse::Digest { digest, .. } | InUse::Workload { digest, .. } => {
                            any_digest.contains(digest.as_str())
                        }
                        InUse::Tag { tag, .. } => any_tag.contains(tag.as_str()),
                    },
                ),
                Some(wanted) => {
                    unknown |= unknown_repository;
                    let held = |set: &HashSet<(Option<&str>, &str)>, key: &str| {
                        set.contains(&(Some(wanted), key)) || set.contains(&(None, key))
                    };
                    (
                        unknown_repository || repos.contains(&Some(wanted)),
                        match entry {
                            InUse::Digest { digest, .. } | InUse::Workload { digest, .. } => {
                                held(&digests, digest)
                            }
                            InUse::Tag { tag, .. } => held(&tags, tag),
                        },
                    )
                }
            };
            if relevant && !hit {
                out.push(format!(
                    "--protect-digests entry `{entry}` matches no image{} (a typo, or already gone?)",
                    repository.map(|r| format!(" in {r}")).unwrap_or_default()
                ));
            }
        }
        if unknown {
            out.push(
                "the repository of some images is not known (no repositoryName in the images file), \
                 so --protect-digests entries that name a repository protect them in any repository; \
                 save the file with `aws ecr describe-images`, which prints repositoryName"
                    .to_string(),
            );
        }
        out
    }
}

fn short(digest: &str) -> String {
    super::engine::short_digest(digest)
}

fn is_digest(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The repository path of a reference's name part (a leading registry host is dropped,
/// as docker decides: a first component with `.` or `:`, or `localhost`).
fn repository_path(name: &str) -> String {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            rest.to_string()
        }
        _ => name.to_string(),
    }
}

/// The repository path of `name` (see [`repository_path`]), refused when no ECR repository
/// can have it: such an entry would silently protect nothing (`- team/api:v1` pasted from
/// YAML, `image: team/api:v1`, `Team/Api:v1`, `SHA256:…`).
fn checked_repository(name: &str) -> Result<String, String> {
    use crate::names::{NameProblem, check_repository_name};
    let path = repository_path(name);
    if let Some(host) = name
        .strip_suffix(path.as_str())
        .and_then(|h| h.strip_suffix('/'))
    {
        let host_char =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        if host.is_empty() || !host.chars().all(host_char) {
            return Err(format!(
                "starts with `{host}/`, which is no registry host (write one reference a line: REPO:TAG, REPO@sha256:… or sha256:…)"
            ));
        }
    }
    let problem = match check_repository_name(&path) {
        // ECR wants 2 characters; a one-letter name still has the right shape.
        Err(NameProblem::TooShort) if path.is_empty() => {
            return Err("names no repository before the tag or digest".into());
        }
        Err(NameProblem::TooShort)
            if path
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            Ok(())
        }
        Err(NameProblem::TooShort) if path.bytes().any(|b| b.is_ascii_uppercase()) => {
            Err(NameProblem::Uppercase)
        }
        Err(NameProblem::TooShort) => Err(NameProblem::BadCharacter(
            path.chars().next().unwrap_or(' '),
        )),
        other => other,
    };
    match problem {
        Ok(()) => Ok(path),
        Err(NameProblem::TooShort) => Err("names no repository before the tag or digest".into()),
        Err(NameProblem::Uppercase) => Err(format!(
            "names repository `{path}`, which no ECR repository can be (names are lower case{})",
            if path.eq_ignore_ascii_case("sha256") {
                "; a digest is written `sha256:` in lower case"
            } else {
                ""
            }
        )),
        Err(_) => Err(format!(
            "names repository `{path}`, which no ECR repository can be (write one reference a line: REPO:TAG, REPO@sha256:… or sha256:…)"
        )),
    }
}

/// Parses a protect file; errors name the line.
/// An image tag as registries accept it: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn is_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && tag.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A `--protect` pattern that can match some tag: tag characters and `*` only.
pub fn is_tag_pattern(glob: &str) -> bool {
    !glob.is_empty()
        && glob
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '*'))
}

pub fn parse_in_use(text: &str) -> Result<Vec<InUse>, String> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        // `#` starts a comment, also after an entry (`team/api:v1  # prod`).
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| format!("line {}: `{line}` {why}", n + 1);
        if line.starts_with("sha256:") {
            if !is_digest(line) {
                return Err(bad("is not a sha256 digest (sha256: and 64 hex digits)"));
            }
            out.push(InUse::Digest {
                repository: None,
                digest: line.to_string(),
            });
        } else if let Some((name, digest)) = line.split_once('@') {
            if !is_digest(digest) {
                return Err(bad("has no valid sha256 digest after `@`"));
            }
            // `REPO:TAG@DIGEST` (the pinned form kubectl, helm and ECS print): the digest is
            // what is pulled, so the tag is dropped (but must be one a registry can hold).
            let name = match name.rfind(':').filter(|&i| !name[i..].contains('/')) {
                Some(i) if !is_tag(&name[i + 1..]) => {
                    return Err(bad(
                        "has no valid tag between `:` and `@` (letters, digits, `_`, `.`, `-`; at most 128)",
                    ));
                }
                Some(i) => &name[..i],
                None => name,
            };
            out.push(InUse::Digest {
                repository: Some(checked_repository(name).map_err(|why| bad(&why))?),
                digest: digest.to_string(),
            });
        } else {
            let colon = line.rfind(':').filter(|&i| !line[i..].contains('/'));
            let Some(i) = colon else {
                return Err(bad(
                    "names no tag or digest (use REPO:TAG, REPO@sha256:… or sha256:…)",
                ));
            };
            let tag = &line[i + 1..];
            // A tag that cannot exist would silently protect nothing.
            if !is_tag(tag) {
                return Err(bad(
                    "has no valid tag after `:` (letters, digits, `_`, `.`, `-`; at most 128)",
                ));
            }
            out.push(InUse::Tag {
                repository: Some(checked_repository(&line[..i]).map_err(|why| bad(&why))?),
                tag: tag.to_string(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    fn image(tags: &[&str]) -> Image {
        Image::new(D, tags.iter().map(|t| t.to_string()).collect(), 0)
    }

    #[test]
    fn parses_every_reference_form() {
        let text = format!(
            "# in use by ECS\n{D}\n123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@{D}\nteam/app:v1\nlocalhost:5000/app:v2\n"
        );
        let refs = parse_in_use(&text).unwrap();
        assert_eq!(
            refs[0],
            InUse::Digest {
                repository: None,
                digest: D.into()
            }
        );
        assert_eq!(
            refs[1],
            InUse::Digest {
                repository: Some("team/app".into()),
                digest: D.into()
            }
        );
        assert_eq!(
            refs[2],
            InUse::Tag {
                repository: Some("team/app".into()),
                tag: "v1".into()
            }
        );
        assert_eq!(
            refs[3],
            InUse::Tag {
                repository: Some("app".into()),
                tag: "v2".into()
            }
        );
        assert!(parse_in_use("team/app").unwrap_err().starts_with("line 1"));
        // The pinned form: the digest in the repository, the tag dropped.
        for pinned in [
            format!("team/app:v1@{D}"),
            format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1@{D}"),
        ] {
            assert_eq!(
                parse_in_use(&pinned).unwrap(),
                vec![InUse::Digest {
                    repository: Some("team/app".into()),
                    digest: D.into()
                }],
                "{pinned}"
            );
        }
        // Lines that cannot name an ECR repository are refused, never silently ignored.
        for bad in [
            "- team/app:v1".to_string(),
            "image: team/app:v1".to_string(),
            "Team/App:v1".to_string(),
            "R:v1".to_string(),
            format!("SHA256:{}", &D[7..]),
            format!("team/app:bad tag@{D}"),
            format!(":v1@{D}"),
        ] {
            let err = parse_in_use(&bad).unwrap_err();
            assert!(err.starts_with("line 1"), "{bad}: {err}");
        }
        assert!(parse_in_use("sha256:abc").is_err());
    }

    #[test]
    fn protects_by_glob_digest_and_tag_in_the_right_repository() {
        let p = Protection {
            tag_globs: vec!["prod-*".into()],
            in_use: vec![InUse::Tag {
                repository: Some("team/app".into()),
                tag: "v1".into(),
            }],
        };
        assert!(
            p.reason(None, &image(&["prod-7"]))
                .unwrap()
                .contains("--protect prod-*")
        );
        assert!(p.reason(Some("team/app"), &image(&["v1"])).is_some());
        assert!(p.reason(Some("other"), &image(&["v1"])).is_none());
        assert!(p.reason(Some("team/app"), &image(&["v2"])).is_none());
    }

    fn in_repo(repo: Option<&str>, tags: &[&str]) -> Image {
        let mut i = image(tags);
        i.repository = repo.map(str::to_string);
        i
    }

    #[test]
    fn offline_entries_use_the_images_own_repository() {
        let p = Protection {
            tag_globs: vec![],
            in_use: parse_in_use(&format!("team/app:v1\nteam/app@{D}\n")).unwrap(),
        };
        // repositoryName in the file: only team/app's images are protected.
        assert!(
            p.reason(None, &in_repo(Some("team/app"), &["v1"]))
                .is_some()
        );
        assert!(p.reason(None, &in_repo(Some("other"), &["v1"])).is_none());
        // ... by digest too.
        assert!(p.reason(None, &in_repo(Some("other"), &[])).is_none());
        assert!(p.reason(None, &in_repo(Some("team/app"), &[])).is_some());
        // The repository being previewed wins over the file's.
        assert!(
            p.reason(Some("other"), &in_repo(Some("team/app"), &["v1"]))
                .is_none()
        );
        // Not known: protected anyway (fail closed), with one warning.
        assert!(p.reason(None, &in_repo(None, &["v1"])).is_some());
        let warnings = p.warnings(None, &[in_repo(None, &["v1"]), in_repo(None, &["v2"])]);
        assert_eq!(
            warnings
                .iter()
                .filter(|w| w.contains("repositoryName"))
                .count(),
            1,
            "{warnings:?}"
        );
        assert!(
            p.warnings(None, &[in_repo(Some("team/app"), &["v1"])])
                .is_empty()
        );
    }

    #[test]
    fn the_matcher_gives_the_same_answers_and_scales() {
        let digest = |n: usize| format!("sha256:{n:064x}");
        let mut text = String::new();
        for n in 0..5_000 {
            text.push_str(&format!("team/app@{}\n", digest(2 * n)));
        }
        text.push_str("team/app:v7\nother/app:v9\n");
        let p = Protection {
            tag_globs: vec!["prod-*".into()],
            in_use: parse_in_use(&text).unwrap(),
        };
        let images: Vec<Image> = (0..30_000)
            .map(|n| {
                let mut i = Image::new(digest(n), vec![format!("v{n}")], 0);
                i.repository = Some(if n % 3 == 0 { "other/app" } else { "team/app" }.into());
                i
            })
            .collect();
        let matcher = p.matcher(None);
        let fast: Vec<Option<String>> = images.iter().map(|i| matcher.reason(i)).collect();
        let warnings = p.warnings(None, &images);
        // 5,000 entries × 30,000 images took ~30 s (debug) when every image scanned every
        // entry (no timed assertion: machines are shared; the answers must agree).
        for (i, image) in images.iter().enumerate().step_by(97) {
            assert_eq!(fast[i], p.reason(None, image), "{}", image.digest);
        }
        // 3,333 digests of team/app images, team/app:v7, other/app:v9.
        assert_eq!(fast.iter().filter(|r| r.is_some()).count(), 3_335);
        assert!(
            fast[7].as_deref() == Some("tag `v7` is in use"),
            "{:?}",
            fast[7]
        );
        // Entries of team/app whose digest is held only by other/app match nothing there.
        assert_eq!(
            warnings
                .iter()
                .filter(|w| w.contains("matches no image"))
                .count(),
            1_667,
            "{:?}",
            &warnings[..3]
        );
    }

    #[test]
    fn protections_that_match_nothing_warn() {
        let p = Protection {
            tag_globs: vec!["prod-*".into(), "prdo-*".into()],
            in_use: parse_in_use("team/app:v9\nother/app:v1\n").unwrap(),
        };
        let images = [image(&["prod-1"]), image(&["v1"])];
        let warnings = p.warnings(Some("team/app"), &images);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("--protect prdo-*") && warnings[0].contains("typo"));
        assert!(warnings[1].contains("`team/app:v9`") && warnings[1].contains("in team/app"));
        // An entry of another repository is for that repository: no warning here.
        assert!(!warnings.iter().any(|w| w.contains("other/app")));
    }
}
