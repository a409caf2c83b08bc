//! Bulk repository files (`repo create --from-file`), JSON or TOML:
//!
//! ```toml
//! [defaults]
//! scanOnPush = true
//! tags = { team = "platform" }
//!
//! [[repositories]]
//! name = "team/api"
//! imageTagMutability = "IMMUTABLE"
//! lifecyclePolicyFile = "keep-10.json"
//! ```
//!
//! A JSON file may also be a plain list of entries, or the output of
//! `aws ecr describe-repositories` (read-only fields such as `repositoryUri` are ignored),
//! which clones one registry's repository settings into another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::settings;
use crate::error::{CliError, Result};
use crate::model::repository::{EncryptionType, MutabilityMode, RepoSettings};

/// What a bulk file asks for: shared defaults and named entries, in file order.
#[derive(Debug, Clone, Default)]
pub struct RepoFile {
    pub defaults: RepoSettings,
    pub entries: Vec<(String, RepoSettings)>,
    /// Settings the file cannot carry: a `repo list -o json --with …` listing made without
    /// policies or tags. Worth a warning before copying from it.
    pub not_listed: Vec<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawEntry {
    #[serde(alias = "repositoryName")]
    name: Option<String>,
    scan_on_push: Option<bool>,
    image_scanning_configuration: Option<RawScanning>,
    image_tag_mutability: Option<String>,
    #[serde(default)]
    image_tag_mutability_exclusion_filters: Vec<RawFilter>,
    encryption_configuration: Option<RawEncryption>,
    lifecycle_policy: Option<RawPolicy>,
    lifecycle_policy_file: Option<PathBuf>,
    repository_policy: Option<RawPolicy>,
    repository_policy_file: Option<PathBuf>,
    tags: Option<RawTags>,
    // Printed by `aws ecr describe-repositories`; accepted so its output can be replayed.
    #[serde(rename = "repositoryArn")]
    _arn: Option<Value>,
    #[serde(rename = "registryId")]
    _registry_id: Option<Value>,
    #[serde(rename = "repositoryUri")]
    _uri: Option<Value>,
    #[serde(rename = "createdAt")]
    _created_at: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawScanning {
    scan_on_push: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawFilter {
    Pattern(String),
    Filter {
        filter: String,
        #[serde(rename = "filterType")]
        filter_type: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawEncryption {
    encryption_type: String,
    kms_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPolicy {
    Text(String),
    Wrapped {
        #[serde(rename = "policyText")]
        policy_text: String,
    },
    Document(serde_json::Map<String, Value>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawTags {
    Map(BTreeMap<String, String>),
    List(Vec<RawTag>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    #[serde(rename = "Key", alias = "key")]
    key: String,
    #[serde(rename = "Value", alias = "value")]
    value: String,
}

/// Reads and validates a bulk file; every error names the file and the entry.
pub fn read(path: &Path) -> Result<RepoFile> {
    read_as(path, false)
}

fn read_as(path: &Path, defaults_only: bool) -> Result<RepoFile> {
    let text = crate::input::read_file(path, crate::input::SETTINGS).map_err(|e| {
        if e.message().contains("larger than") {
            e.with_hint(
                "split a large listing by name: `ecrctl repo list --prefix PREFIX -o json`, \
                 one file per prefix, and replay each",
            )
        } else {
            e
        }
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_file(&text, &path.display().to_string(), base, defaults_only)
}

/// The whole file, as serde reads it: `[defaults]` and `[[repositories]]`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a repositories file: `defaults` and a `repositories` list, or a list of entries"
)]
struct RawFile {
    /// `repo list -o json` starts with its schemaVersion; replaying it is allowed.
    #[serde(default, rename = "schemaVersion")]
    schema_version: Option<u64>,
    /// `repo list -o json` says what it fetched; settings it did not fetch are simply absent.
    #[serde(default)]
    with: Option<Vec<String>>,
    defaults: Option<RawEntry>,
    #[serde(default)]
    repositories: Vec<RawEntry>,
}

/// Reads a bulk file for the settings of repositories named elsewhere (push-check and
/// migrate `--repo-settings`):
/// as [`read`], but a file with only `[defaults]` is accepted.
pub fn read_settings(path: &Path) -> Result<RepoFile> {
    read_as(path, true)
}

/// Parses file text as [`read`] does; `base` is where relative policy file paths start.
#[cfg(test)]
fn parse(text: &str, source: &str, base: &Path) -> Result<RepoFile> {
    parse_file(text, source, base, false)
}

/// Parses file text; `base` is where relative policy file paths start.
fn parse_file(text: &str, source: &str, base: &Path, defaults_only: bool) -> Result<RepoFile> {
    let file = read_document(text, source)?;
    if let Some(version) = file
        .schema_version
        .filter(|v| *v != u64::from(crate::output::SCHEMA_VERSION))
    {
        return Err(CliError::usage(format!(
            "{source}: schemaVersion {version} is not one this ecrctl reads"
        ))
        .with_hint(format!(
            "this ecrctl reads schemaVersion {}; upgrade ecrctl",
            crate::output::SCHEMA_VERSION
        )));
    }
    if file.repositories.is_empty() && !(defaults_only && file.defaults.is_some()) {
        return Err(CliError::usage(format!("{source} lists no repositories")));
    }
    let defaults = match file.defaults {
        Some(raw) => {
            if raw.name.is_some() {
                return Err(CliError::usage(format!(
                    "{source}: [defaults] cannot have a name"
                )));
            }
            convert(raw, base, &format!("{source}: [defaults]"))?
        }
        None => RepoSettings::default(),
    };
    let mut out = Vec::with_capacity(file.repositories.len());
    for (index, mut raw) in file.repositories.into_iter().enumerate() {
        let place = format!("{source}: repository #{}", index + 1);
        let name = raw
            .name
            .take()
            .ok_or_else(|| CliError::usage(format!("{place} has no `name`")))?;
        let place = format!("{place} (`{name}`)");
        out.push((name, convert(raw, base, &place)?));
    }
    if let Some(unknown) = file
        .with
        .iter()
        .flatten()
        .find(|w| !matches!(w.as_str(), "policies" | "tags"))
    {
        return Err(CliError::usage(format!(
            "{source}: `with` holds `{unknown}`; a listing's `with` names only `policies` and `tags`"
        )));
    }
    let not_listed = match &file.with {
        None => Vec::new(),
        Some(with) => [
            ("policies", "lifecycle and repository policies"),
            ("tags", "tags"),
        ]
        .into_iter()
        .filter(|(name, _)| !with.iter().any(|w| w == name))
        .map(|(_, what)| what)
        .collect(),
    };
    Ok(RepoFile {
        defaults,
        entries: out,
        not_listed,
    })
}

/// JSON when it looks like JSON (or the file says .json), TOML otherwise; straight into
/// the typed structs, a problem named by its entry and JSON path.
fn read_document(text: &str, source: &str) -> Result<RawFile> {
    let trimmed = text.trim_start();
    let json_like =
        source.ends_with(".json") || trimmed.starts_with('{') || trimmed.starts_with('[');
    if !json_like || source.ends_with(".toml") {
        return toml::from_str(text).map_err(|e| {
            CliError::usage(format!("{source} is not valid TOML"))
                .with_cause(e.to_string().trim_end().to_string())
                .with_hint("see docs/repo.md for the fields a repositories file accepts")
        });
    }
    let file = if trimmed.starts_with('[') {
        crate::input::from_json::<Vec<RawEntry>>(text).map(|repositories| RawFile {
            schema_version: None,
            with: None,
            defaults: None,
            repositories,
        })
    } else {
        crate::input::from_json(text)
    };
    file.map_err(|e| json_error(e, source))
}

fn json_error(e: crate::input::JsonProblem, source: &str) -> CliError {
    if e.syntax {
        return CliError::usage(format!("{source} is not valid JSON"))
            .with_cause(e.message)
            .with_hint("fix the syntax at the line and column shown");
    }
    // `$.repositories[2].x` or `$[2].x` → repository #3; `$.defaults.x` → [defaults].
    let entry = e
        .path
        .strip_prefix("$.repositories[")
        .or_else(|| e.path.strip_prefix("$["))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    let place = match entry {
        Some(i) => format!("{source}: repository #{} is not valid", i + 1),
        None if e.path.starts_with("$.defaults") => format!("{source}: [defaults] is not valid"),
        None => format!("{source} is not valid"),
    };
    CliError::usage(place)
        .with_cause(e.to_string())
        .with_hint("see docs/repo.md for the fields a repositories file accepts")
}

fn convert(raw: RawEntry, base: &Path, place: &str) -> Result<RepoSettings> {
    let at = |e: CliError| e.context(format!("{place} is not valid"));
    let scan_on_push = match (raw.scan_on_push, raw.image_scanning_configuration) {
        (Some(_), Some(_)) => {
            return Err(CliError::usage(format!(
                "{place} sets both scanOnPush and imageScanningConfiguration"
            )));
        }
        (flag, nested) => flag.or(nested.map(|n| n.scan_on_push)),
    };
    let mode = match raw.image_tag_mutability.as_deref() {
        None => None,
        Some(text) => Some(MutabilityMode::parse(text).ok_or_else(|| {
            CliError::usage(format!(
                "{place}: imageTagMutability `{text}` is not a mutability"
            ))
            .with_hint("use MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION")
        })?),
    };
    let exclusions = raw
        .image_tag_mutability_exclusion_filters
        .into_iter()
        .map(|f| match f {
            RawFilter::Pattern(p) => Ok(p),
            RawFilter::Filter {
                filter,
                filter_type,
            } => match filter_type.as_deref() {
                None | Some("WILDCARD") => Ok(filter),
                Some(other) => Err(CliError::usage(format!(
                    "{place}: filterType `{other}` is not supported (only WILDCARD)"
                ))),
            },
        })
        .collect::<Result<Vec<_>>>()?;
    let encryption = match raw.encryption_configuration {
        None => None,
        Some(e) => {
            let kind = EncryptionType::parse(&e.encryption_type).ok_or_else(|| {
                CliError::usage(format!(
                    "{place}: encryptionType `{}` is not AES256, KMS or KMS_DSSE",
                    e.encryption_type
                ))
            })?;
            settings::encryption(Some(kind), e.kms_key).map_err(at)?
        }
    };
    let lifecycle_policy = policy_text(
        raw.lifecycle_policy,
        raw.lifecycle_policy_file,
        base,
        place,
        "lifecyclePolicy",
    )?
    .map(|(text, source)| settings::lifecycle_policy(text, &source))
    .transpose()
    .map_err(at)?;
    let repository_policy = policy_text(
        raw.repository_policy,
        raw.repository_policy_file,
        base,
        place,
        "repositoryPolicy",
    )?
    .map(|(text, source)| settings::repository_policy(text, &source))
    .transpose()
    .map_err(at)?;
    let tags = match raw.tags {
        None => BTreeMap::new(),
        Some(RawTags::Map(map)) => map,
        Some(RawTags::List(list)) => {
            let mut tags = BTreeMap::new();
            for t in list {
                settings::insert_tag(&mut tags, &t.key, &t.value, "tags").map_err(at)?;
            }
            tags
        }
    };
    settings::check_tags(&tags).map_err(at)?;
    Ok(RepoSettings {
        scan_on_push,
        mutability: settings::mutability(mode, exclusions).map_err(at)?,
        encryption,
        lifecycle_policy,
        repository_policy,
        tags,
    })
}

/// The policy text and where it came from, from inline text/object or a file path.
fn policy_text(
    inline: Option<RawPolicy>,
    file: Option<PathBuf>,
    base: &Path,
    place: &str,
    key: &str,
) -> Result<Option<(String, String)>> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(CliError::usage(format!(
            "{place} sets both {key} and {key}File"
        ))),
        (None, None) => Ok(None),
        (Some(RawPolicy::Text(text)), None)
        | (Some(RawPolicy::Wrapped { policy_text: text }), None) => {
            Ok(Some((text, format!("{key} of {place}"))))
        }
        (Some(RawPolicy::Document(map)), None) => {
            let text = serde_json::to_string(&Value::Object(map)).expect("a JSON map serializes");
            Ok(Some((text, format!("{key} of {place}"))))
        }
        (None, Some(path)) => {
            let path = base.join(path);
            let text = crate::input::read_file(&path, crate::input::POLICY)
                .map_err(|e| e.context(format!("{place} is not valid")))?;
            Ok(Some((text, path.display().to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}"#;

    #[test]
    fn toml_with_defaults_and_entries() {
        let text = format!(
            r#"
[defaults]
scanOnPush = true
tags = {{ team = "platform" }}

[[repositories]]
name = "team/api"
imageTagMutability = "IMMUTABLE"
lifecyclePolicy = '{POLICY}'

[[repositories]]
name = "team/web"
imageTagMutabilityExclusionFilters = ["dev-*"]
tags = {{ tier = "web" }}
"#
        );
        let file = parse(&text, "repos.toml", Path::new(".")).unwrap();
        assert_eq!(file.defaults.scan_on_push, Some(true));
        assert_eq!(file.entries.len(), 2);
        let (name, api) = &file.entries[0];
        assert_eq!(name, "team/api");
        assert_eq!(
            api.mutability.as_ref().unwrap().mode,
            MutabilityMode::Immutable
        );
        assert!(api.lifecycle_policy.is_some());
        let web = &file.entries[1].1;
        assert_eq!(
            web.mutability.as_ref().unwrap().mode,
            MutabilityMode::ImmutableWithExclusion
        );
        assert_eq!(web.tags["tier"], "web");
    }

    #[test]
    fn describe_repositories_output_is_accepted() {
        let text = r#"{"repositories":[{"repositoryArn":"arn:aws:ecr:us-east-1:123456789012:repository/a1",
          "registryId":"123456789012","repositoryName":"a1","repositoryUri":"x/a1","createdAt":"2024-01-01T00:00:00Z",
          "imageTagMutability":"IMMUTABLE_WITH_EXCLUSION",
          "imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"dev-*"}],
          "imageScanningConfiguration":{"scanOnPush":true},
          "encryptionConfiguration":{"encryptionType":"AES256"}}]}"#;
        let file = parse(text, "repos.json", Path::new(".")).unwrap();
        let (name, s) = &file.entries[0];
        assert_eq!(name, "a1");
        assert_eq!(s.scan_on_push, Some(true));
        assert_eq!(s.mutability.as_ref().unwrap().exclusions, vec!["dev-*"]);
        assert_eq!(
            s.encryption.as_ref().unwrap().encryption_type,
            EncryptionType::Aes256
        );
    }

    #[test]
    fn a_listing_without_policies_or_tags_says_so() {
        let file = parse(
            r#"{"schemaVersion":1,"with":["tags"],"repositories":[{"repositoryName":"a1","tags":{}}]}"#,
            "l.json",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(file.not_listed, ["lifecycle and repository policies"]);
        let file = parse(r#"[{"name":"a1"}]"#, "l.json", Path::new(".")).unwrap();
        assert!(file.not_listed.is_empty());
        let typo = parse(
            r#"{"schemaVersion":1,"with":["policy","tags"],"repositories":[{"repositoryName":"a1"}]}"#,
            "l.json",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(typo.exit_code().code(), 2);
        assert!(typo.message().contains("`policy`"), "{}", typo.message());
    }

    #[test]
    fn plain_json_list_with_inline_policy_objects_and_aws_tag_lists() {
        let text = format!(
            r#"[{{"name":"a1","lifecyclePolicy":{POLICY},"tags":[{{"Key":"k","Value":"v"}}]}}]"#
        );
        let file = parse(&text, "repos.json", Path::new(".")).unwrap();
        let s = &file.entries[0].1;
        assert_eq!(s.tags["k"], "v");
        assert_eq!(
            s.lifecycle_policy.as_ref().unwrap().value["rules"][0]["rulePriority"],
            1
        );
    }

    #[test]
    fn errors_name_the_entry_and_the_problem() {
        let err = parse(
            r#"[{"name":"a1"},{"name":"b1","scanOnPsh":true}]"#,
            "r.json",
            Path::new("."),
        )
        .unwrap_err();
        assert_eq!(err.exit_code().code(), 2);
        assert!(err.message().contains("repository #2"), "{}", err.message());
        assert!(err.causes()[0].contains("scanOnPsh"), "{:?}", err.causes());

        let err = parse(
            "[[repositories]]\nname = 'a1'\nimageTagMutability = 'SOMETIMES'\n",
            "r.toml",
            Path::new("."),
        )
        .unwrap_err();
        assert!(err.message().contains("SOMETIMES"));

        let err = parse("{\"repositories\": [", "r.json", Path::new(".")).unwrap_err();
        assert!(err.message().contains("not valid JSON"));
        assert!(parse(r#"{"repos":[]}"#, "r.json", Path::new(".")).is_err());
        assert!(parse(r#"[{"scanOnPush":true}]"#, "r.json", Path::new(".")).is_err());

        // Wrong types name the entry and the JSON path.
        let err = parse(
            r#"{"repositories":[{"name":"a1"},{"name":"b1","scanOnPush":"yes"}]}"#,
            "r.json",
            Path::new("."),
        )
        .unwrap_err();
        assert!(err.message().contains("repository #2"), "{}", err.message());
        assert!(
            err.causes()[0].starts_with("$.repositories[1].scanOnPush: invalid type"),
            "{:?}",
            err.causes()
        );
        let err = parse(
            r#"{"defaults":{"tags":5},"repositories":[{"name":"a1"}]}"#,
            "r.json",
            Path::new("."),
        )
        .unwrap_err();
        assert!(err.message().contains("[defaults]"), "{}", err.message());
        let err = parse(r#"{"repositories":[]} x"#, "r.json", Path::new(".")).unwrap_err();
        assert!(
            err.message().contains("not valid JSON"),
            "{}",
            err.message()
        );
    }
}
