//! `skopeo sync` YAML files as plans (`--plan FILE.yaml --to PREFIX/`), since that is
//! what many teams already have:
//!
//! ```yaml
//! registry.example.com:
//!   images:
//!     busybox: []                 # every tag
//!     redis: ["1.0", "2.0"]       # these tags (a digest is refused: no tag to carry over)
//!   images-by-tag-regex:
//!     nginx: ^1\.13\.[12]-alpine-perl$
//!   images-by-semver:
//!     alpine: ">= 3.12.0"
//!   tls-verify: false             # needs --plain-http HOST: certificates are never skipped
//! ```
//!
//! Destinations are `PREFIX` + the repository path + the tag (skopeo sync's `--dest
//! docker PREFIX`). Credentials come from `--src-authfile` (or docker's config.json):
//! a password inside the plan is refused. Every problem in the file is reported at once.

use std::collections::HashMap;

use serde::Deserialize;

use super::plan::{self, PlanItem};
use super::tags::{self, SemverRange};

/// Whether `path` names a skopeo sync file (by its extension).
pub fn is_sync_plan(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RegistryEntry {
    #[serde(default)]
    images: serde_norway::Mapping,
    #[serde(default)]
    images_by_tag_regex: serde_norway::Mapping,
    #[serde(default)]
    images_by_semver: serde_norway::Mapping,
    tls_verify: Option<bool>,
    cert_dir: Option<String>,
    credentials: Option<serde_norway::Value>,
}

/// Which tags of one repository.
#[derive(Debug, Clone)]
pub enum Tags {
    /// Named tags or digests.
    Listed(Vec<String>),
    All,
    Regex(regex::Regex),
    Semver(SemverRange),
}

/// One repository of one source registry, as written (`key` is the YAML registry key).
#[derive(Debug, Clone)]
pub struct Selection {
    pub key: String,
    pub repository: String,
    /// The registry host and repository as the client reads them (Docker Hub resolved).
    pub host: String,
    pub source_repository: String,
    pub tags: Tags,
}

impl Selection {
    /// Whether the source's tags must be listed to know what to copy.
    pub fn needs_listing(&self) -> bool {
        !matches!(self.tags, Tags::Listed(_))
    }
}

/// A parsed sync file: its selections and the hosts it says to reach over HTTP.
#[derive(Debug)]
pub struct SyncPlan {
    pub selections: Vec<Selection>,
    pub insecure_hosts: Vec<String>,
}

fn string(value: &serde_norway::Value) -> Option<String> {
    match value {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses the file; `Err` lists every problem (`REGISTRY: …`).
pub fn parse(text: &str) -> Result<SyncPlan, Vec<String>> {
    let top: serde_norway::Mapping = match serde_norway::from_str(text) {
        Ok(serde_norway::Value::Mapping(m)) => m,
        Ok(_) => {
            return Err(vec![
                "not a skopeo sync file: expected `REGISTRY: {images: …}` at the top".into(),
            ]);
        }
        Err(e) => return Err(vec![format!("not valid YAML: {e}")]),
    };
    let mut problems = Vec::new();
    let mut selections = Vec::new();
    let mut insecure_hosts = Vec::new();
    for (key, value) in top {
        let Some(key) = string(&key) else {
            problems.push("a registry key is not a string".into());
            continue;
        };
        let entry: RegistryEntry = match serde_norway::from_value(value) {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(format!("{key}: {e}"));
                continue;
            }
        };
        if entry.credentials.is_some() {
            problems.push(format!(
                "{key}: `credentials` in the plan are not read (a password in a plan file ends up in repositories and CI logs); put them in an auth.json and pass --src-authfile FILE"
            ));
        }
        if entry.cert_dir.is_some() {
            problems.push(format!(
                "{key}: `cert-dir` is not read; pass --ca-cert FILE, or put the CA in /etc/docker/certs.d/{key}/ca.crt"
            ));
        }
        let host = match plan::source_ref(&format!("{key}/x")) {
            Ok(r) => r.host.unwrap_or_default(),
            Err(e) => {
                problems.push(format!("{key}: not a registry host: {e}"));
                continue;
            }
        };
        if entry.tls_verify == Some(false) {
            insecure_hosts.push(host.clone());
        }
        if entry.images.is_empty()
            && entry.images_by_tag_regex.is_empty()
            && entry.images_by_semver.is_empty()
        {
            problems.push(format!(
                "{key}: no `images`, `images-by-tag-regex` or `images-by-semver`"
            ));
        }
        let mut add = |repo: &serde_norway::Value, section: &str, tags: Result<Tags, String>| {
            let Some(repo) = string(repo) else {
                problems.push(format!(
                    "{key}: {section}: a repository name is not a string"
                ));
                return;
            };
            let source = match plan::source_ref(&format!("{key}/{repo}")) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{key}: {section}.{repo}: {e}"));
                    return;
                }
            };
            match tags {
                Ok(tags) => selections.push(Selection {
                    key: key.clone(),
                    repository: repo.clone(),
                    host: source.host.unwrap_or_default(),
                    source_repository: source.repository,
                    tags,
                }),
                Err(e) => problems.push(format!("{key}: {section}.{repo}: {e}")),
            }
        };
        for (repo, tags) in &entry.images {
            let tags = match tags {
                serde_norway::Value::Null => Ok(Tags::All),
                serde_norway::Value::Sequence(list) if list.is_empty() => Ok(Tags::All),
                serde_norway::Value::Sequence(list) => list
                    .iter()
                    .map(|t| string(t).ok_or_else(|| "a tag is not a string".to_string()))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Tags::Listed),
                _ => Err("expected a list of tags (`[]` for every tag)".into()),
            };
            add(repo, "images", tags);
        }
        for (repo, pattern) in &entry.images_by_tag_regex {
            let tags = string(pattern)
                .ok_or_else(|| "expected a regular expression".to_string())
                .and_then(|p| tags::regex(&p))
                .map(Tags::Regex);
            add(repo, "images-by-tag-regex", tags);
        }
        for (repo, range) in &entry.images_by_semver {
            let tags = string(range)
                .ok_or_else(|| "expected a semantic-version range".to_string())
                .and_then(|r| SemverRange::parse(&r))
                .map(Tags::Semver);
            add(repo, "images-by-semver", tags);
        }
    }
    if problems.is_empty() {
        Ok(SyncPlan {
            selections,
            insecure_hosts,
        })
    } else {
        Err(problems)
    }
}

/// The plan items: each selection's tags (the listed ones, or those of `listed` — host,
/// repository → tags at the source — that its filter accepts) under `to`.
pub fn items(
    sync: &SyncPlan,
    to: &str,
    listed: &HashMap<(String, String), Vec<String>>,
) -> Result<Vec<PlanItem>, Vec<String>> {
    let mut items: Vec<PlanItem> = Vec::new();
    let mut problems = Vec::new();
    // The same image chosen by two selectors (listed in `images` and matched by a regex or
    // a semver range) is one item, as skopeo sync merges it.
    let mut seen = std::collections::HashSet::new();
    for s in &sync.selections {
        let mut chosen: Vec<String> = match &s.tags {
            Tags::Listed(tags) => tags.clone(),
            filter => {
                let all = listed
                    .get(&(s.host.clone(), s.source_repository.clone()))
                    .cloned()
                    .unwrap_or_default();
                all.into_iter()
                    .filter(|t| match filter {
                        Tags::Regex(r) => r.is_match(t),
                        Tags::Semver(range) => range.matches(t),
                        _ => true,
                    })
                    .collect()
            }
        };
        chosen.sort();
        chosen.dedup();
        for tag in chosen {
            let at = if tag.starts_with("sha256:") { '@' } else { ':' };
            let source = format!("{}/{}{at}{tag}", s.key, s.repository);
            let n = items.len() + problems.len() + 1;
            match plan::parse_pair(&source, to) {
                Ok((source, destination))
                    if !seen.insert((source.to_string(), destination.to_string())) => {}
                Ok((source, destination)) => items.push(PlanItem {
                    line: n,
                    source,
                    destination,
                }),
                Err(why) => problems.push(format!("{source}: {why}")),
            }
        }
    }
    if items.is_empty() && problems.is_empty() {
        problems.push("the sync file selects no image (no tag matched)".into());
    }
    plan::finish(items, problems, "image")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYNC: &str = r#"
registry.example.com:
  images:
    busybox: []
    redis:
      - "1.0"
      - "2.0"
  images-by-tag-regex:
    nginx: ^1\.13\.[12]-alpine-perl$
  images-by-semver:
    alpine: ">= 3.12.0"
  tls-verify: false
docker.io:
  images:
    nginx: ["1.27"]
"#;

    #[test]
    fn reads_skopeo_sync_files() {
        let sync = parse(SYNC).unwrap();
        assert_eq!(sync.selections.len(), 5);
        assert_eq!(sync.insecure_hosts, ["registry.example.com"]);
        let hub = sync
            .selections
            .iter()
            .find(|s| s.key == "docker.io")
            .unwrap();
        assert_eq!(hub.host, plan::DOCKER_HUB);
        assert_eq!(hub.source_repository, "library/nginx");
        let mut listed = HashMap::new();
        let host = "registry.example.com".to_string();
        listed.insert(
            (host.clone(), "busybox".to_string()),
            vec!["1".to_string(), "latest".to_string()],
        );
        listed.insert(
            (host.clone(), "nginx".to_string()),
            vec!["1.13.1-alpine-perl".into(), "1.13.3-alpine-perl".into()],
        );
        listed.insert(
            (host, "alpine".to_string()),
            vec![
                "3.11".into(),
                "3.12.1".into(),
                "v3.20".into(),
                "edge".into(),
            ],
        );
        let items = items(&sync, "mirror/", &listed).unwrap();
        let pairs: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", i.source, i.destination))
            .collect();
        assert_eq!(
            pairs,
            [
                "registry.example.com/busybox:1 mirror/busybox:1",
                "registry.example.com/busybox:latest mirror/busybox:latest",
                "registry.example.com/redis:1.0 mirror/redis:1.0",
                "registry.example.com/redis:2.0 mirror/redis:2.0",
                "registry.example.com/nginx:1.13.1-alpine-perl mirror/nginx:1.13.1-alpine-perl",
                "registry.example.com/alpine:3.12.1 mirror/alpine:3.12.1",
                "registry.example.com/alpine:v3.20 mirror/alpine:v3.20",
                "registry-1.docker.io/library/nginx:1.27 mirror/nginx:1.27",
            ]
        );
    }

    #[test]
    fn every_problem_at_once_and_no_password_in_the_plan() {
        let problems = parse(
            "a.example:\n  images:\n    x: 5\n  images-by-tag-regex:\n    y: \"(\"\n  images-by-semver:\n    z: banana\n  credentials:\n    username: u\n    password: hunter2secret\nb.example:\n  bogus: 1\nc.example: {}\n",
        )
        .unwrap_err();
        let all = problems.join("\n");
        for needle in [
            "credentials` in the plan are not read",
            "images.x: expected a list",
            "images-by-tag-regex.y: `(` is not a valid regular expression",
            "images-by-semver.z: `banana` is not a semantic-version range",
            "b.example: unknown field `bogus`",
            "c.example: no `images`",
        ] {
            assert!(all.contains(needle), "{needle}\n{all}");
        }
        assert!(!all.contains("hunter2secret"), "{all}");
        let digest = format!("sha256:{}", "a".repeat(64));
        let sync = parse(&format!("a.example:\n  images:\n    x: [\"{digest}\"]\n")).unwrap();
        let e = items(&sync, "mirror/", &HashMap::new()).unwrap_err();
        assert!(e[0].contains("no tag to carry over"), "{e:?}");
        assert!(parse("- a\n").is_err());
        assert!(parse("a: [").unwrap_err()[0].starts_with("not valid YAML"));
    }

    #[test]
    fn one_tag_from_a_list_and_a_regex_is_one_item() {
        let sync = parse(
            "r.example:\n  images:\n    many/r1: [\"t1\"]\n  images-by-tag-regex:\n    many/r1: \"t\"\n",
        )
        .unwrap();
        let mut listed = HashMap::new();
        listed.insert(
            ("r.example".to_string(), "many/r1".to_string()),
            vec!["t1".to_string(), "t2".to_string()],
        );
        let items = items(&sync, "y/", &listed).unwrap();
        let pairs: Vec<String> = items
            .iter()
            .map(|i| format!("{} {}", i.source, i.destination))
            .collect();
        assert_eq!(
            pairs,
            [
                "r.example/many/r1:t1 y/many/r1:t1",
                "r.example/many/r1:t2 y/many/r1:t2"
            ]
        );
    }
}
