//! Turns `repo create` flags and `--from-file` into the validated list of repositories to
//! converge. Every name, setting and document is checked here, before any AWS call, so a
//! single bad entry means nothing at all is created.

use std::path::Path;

use super::settings::{self, DesiredRepo};
use super::{file, kms};
use crate::cli::{EncryptionArg, RepoCreateArgs, RepoSettingsArgs, TagMutabilityArg};
use crate::error::{CliError, Result};
use crate::model::repository::{EncryptionType, MutabilityMode, RepoSettings};
use crate::names;

/// The repositories a `repo create` run asks for, validated, and warnings about the input
/// (a listing that did not carry every setting).
pub fn desired_repos(args: &RepoCreateArgs) -> Result<(Vec<DesiredRepo>, Vec<String>)> {
    let mut warnings = Vec::new();
    let flags = settings_from_flags(&args.settings)?;
    let key_map = kms::read_key_map(&args.kms_key_map)?;
    let mut repos: Vec<(DesiredRepo, String)> = args
        .names
        .iter()
        .chain(&args.repository_names)
        .map(|name| {
            let repo = DesiredRepo {
                name: name.clone(),
                settings: flags.clone(),
            };
            (repo, "the command line".to_string())
        })
        .collect();
    if let Some(path) = &args.from_file {
        let bulk = file::read(path)?;
        if !bulk.not_listed.is_empty() {
            warnings.push(format!(
                "{} was listed without {}: they are not copied (list with `--with all`)",
                path.display(),
                bulk.not_listed.join(" or ")
            ));
        }
        // Precedence: the entry itself > command-line flags > the file's [defaults].
        let shared = bulk.defaults.overlaid_with(&flags);
        let source = path.display().to_string();
        repos.extend(
            bulk.entries
                .into_iter()
                .enumerate()
                .map(|(index, (name, entry))| {
                    let place = format!("{source}: repository #{} (`{name}`)", index + 1);
                    let repo = DesiredRepo {
                        name,
                        settings: shared.overlaid_with(&entry),
                    };
                    (repo, place)
                }),
        );
    }
    if repos.is_empty() {
        return Err(CliError::usage("no repositories named")
            .with_hint("name them (`ecrctl repo create my-app`) or pass --from-file FILE"));
    }
    check_names(&repos)?;
    let listed: Vec<&str> = repos
        .iter()
        .filter_map(|(r, _)| r.settings.encryption.as_ref()?.kms_key.as_deref())
        .collect();
    let unused: Vec<&String> = key_map
        .keys()
        .filter(|old| !listed.contains(&old.as_str()))
        .collect();
    if !unused.is_empty() {
        warnings.push(format!(
            "--kms-key-map: no repository is encrypted with {} (a typo?); the mapping is not used",
            unused
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let repos = repos
        .into_iter()
        .map(|(mut repo, _)| {
            kms::map_key(&mut repo.settings, &key_map);
            repo
        })
        .collect();
    Ok((repos, warnings))
}

/// Names valid and each given once; a problem names where the name came from.
fn check_names(repos: &[(DesiredRepo, String)]) -> Result<()> {
    let mut seen = std::collections::BTreeMap::new();
    for (repo, place) in repos {
        if let Err(problem) = names::check_repository_name(&repo.name) {
            let error = names::name_error(&repo.name, &problem);
            return Err(if place.starts_with("the command line") {
                error
            } else {
                error.context(format!("{place} is not valid"))
            });
        }
        if let Some(first) = seen.insert(repo.name.as_str(), place.as_str()) {
            return Err(
                CliError::usage(format!("repository `{}` is named twice", repo.name))
                    .with_cause(format!("first in {first}"))
                    .with_cause(format!("again in {place}"))
                    .with_hint(
                        "name each repository once (check the command line and --from-file)",
                    ),
            );
        }
    }
    Ok(())
}

/// The settings flags as a `RepoSettings`, validated.
pub fn settings_from_flags(flags: &RepoSettingsArgs) -> Result<RepoSettings> {
    let mode = if flags.immutable {
        Some(MutabilityMode::Immutable)
    } else {
        flags.tag_mutability.map(|m| match m {
            TagMutabilityArg::Mutable => MutabilityMode::Mutable,
            TagMutabilityArg::Immutable => MutabilityMode::Immutable,
            TagMutabilityArg::ImmutableWithExclusion => MutabilityMode::ImmutableWithExclusion,
            TagMutabilityArg::MutableWithExclusion => MutabilityMode::MutableWithExclusion,
        })
    };
    let (mode, exclusions) = mutability_from_flags(
        mode,
        flags.immutable_exclude.clone(),
        flags.mutable_exclude.clone(),
    )?;
    let mut tags = settings::parse_tag_flags(&flags.tags)?;
    for (key, value) in settings::parse_aws_tags(&flags.aws_tags)? {
        settings::insert_tag(&mut tags, &key, &value, "--tag and --tags")?;
    }
    settings::check_tags(&tags)?;
    let mut encryption_type = flags.encryption.map(|e| match e {
        EncryptionArg::Aes256 => EncryptionType::Aes256,
        EncryptionArg::Kms => EncryptionType::Kms,
        EncryptionArg::KmsDsse => EncryptionType::KmsDsse,
    });
    let mut kms_key = flags.kms_key.clone();
    if let Some(text) = &flags.encryption_configuration {
        let (kind, key) = aws_encryption(text)?;
        encryption_type = Some(kind);
        kms_key = key;
    }
    let scan_on_push = match &flags.image_scanning_configuration {
        Some(text) => Some(aws_scanning(text)?),
        None => flags.scan_on_push,
    };
    Ok(RepoSettings {
        scan_on_push,
        mutability: settings::mutability(mode, exclusions)?,
        encryption: settings::encryption(encryption_type, kms_key)?,
        lifecycle_policy: read_policy(
            flags.lifecycle_policy.as_deref(),
            settings::lifecycle_policy,
        )?,
        repository_policy: read_policy(
            flags.repository_policy.as_deref(),
            settings::repository_policy,
        )?,
        tags,
    })
}

/// The AWS CLI's `key=value,key=value` shorthand as pairs (callers also take its JSON form).
fn shorthand_pairs(text: &str) -> Option<Vec<(&str, &str)>> {
    text.split(',')
        .map(|pair| pair.split_once('=').map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

/// `--image-scanning-configuration scanOnPush=true` (or `{"scanOnPush":true}`).
fn aws_scanning(text: &str) -> Result<bool> {
    let bad = || {
        CliError::usage(format!(
            "--image-scanning-configuration `{text}` is not scanOnPush=true|false"
        ))
        .with_hint("write --image-scanning-configuration scanOnPush=true (or --scan-on-push)")
    };
    if text.trim_start().starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        return value
            .get("scanOnPush")
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(bad);
    }
    match shorthand_pairs(text).as_deref() {
        Some([("scanOnPush", value)]) => value.parse().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// `--encryption-configuration encryptionType=KMS,kmsKey=KEY` (or the JSON form).
fn aws_encryption(text: &str) -> Result<(EncryptionType, Option<String>)> {
    let bad = || {
        CliError::usage(format!(
            "--encryption-configuration `{text}` is not encryptionType=TYPE[,kmsKey=KEY]"
        ))
        .with_hint("write --encryption-configuration encryptionType=KMS,kmsKey=alias/ecr (TYPE: AES256, KMS, KMS_DSSE)")
    };
    let (kind, key) = if text.trim_start().starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        let field = |name: &str| value.get(name).and_then(serde_json::Value::as_str);
        (
            field("encryptionType").ok_or_else(bad)?.to_string(),
            field("kmsKey").map(String::from),
        )
    } else {
        let pairs = shorthand_pairs(text).ok_or_else(bad)?;
        let mut kind = None;
        let mut key = None;
        for (name, value) in pairs {
            match name {
                "encryptionType" => kind = Some(value.to_string()),
                "kmsKey" => key = Some(value.to_string()),
                _ => return Err(bad()),
            }
        }
        (kind.ok_or_else(bad)?, key)
    };
    let kind = EncryptionType::parse(&kind).ok_or_else(bad)?;
    Ok((kind, key))
}

/// `--immutable-exclude` means IMMUTABLE_WITH_EXCLUSION and `--mutable-exclude` means
/// MUTABLE_WITH_EXCLUSION; a mode that says otherwise is refused, so one flag never means
/// two opposite things.
fn mutability_from_flags(
    mode: Option<MutabilityMode>,
    immutable_exclude: Vec<String>,
    mutable_exclude: Vec<String>,
) -> Result<(Option<MutabilityMode>, Vec<String>)> {
    use MutabilityMode::{Immutable, ImmutableWithExclusion, Mutable, MutableWithExclusion};
    match (immutable_exclude.is_empty(), mutable_exclude.is_empty()) {
        (true, true) => Ok((mode, Vec::new())),
        (false, false) => Err(CliError::usage(
            "--immutable-exclude and --mutable-exclude cannot be combined",
        )
        .with_hint("a repository's exclusions are either mutable or immutable tags, not both")),
        (false, true) => match mode {
            None | Some(Immutable | ImmutableWithExclusion) => {
                Ok((Some(ImmutableWithExclusion), immutable_exclude))
            }
            Some(other) => Err(CliError::usage(format!(
                "--immutable-exclude makes tags matching it mutable in an immutable repository; \
                 it does not go with {}",
                other.as_str()
            ))
            .with_hint(
                "for a mutable repository whose matching tags are immutable, use \
                 --mutable-exclude PATTERN (MUTABLE_WITH_EXCLUSION)",
            )),
        },
        (true, false) => match mode {
            None | Some(Mutable | MutableWithExclusion) => {
                Ok((Some(MutableWithExclusion), mutable_exclude))
            }
            Some(other) => Err(CliError::usage(format!(
                "--mutable-exclude makes tags matching it immutable in a mutable repository; \
                 it does not go with {}",
                other.as_str()
            ))
            .with_hint(
                "for an immutable repository whose matching tags are mutable, use \
                 --immutable-exclude PATTERN (IMMUTABLE_WITH_EXCLUSION)",
            )),
        },
    }
}

fn read_policy<T>(
    path: Option<&Path>,
    check: impl Fn(String, &str) -> Result<T>,
) -> Result<Option<T>> {
    let Some(path) = path else { return Ok(None) };
    let text = crate::input::read_file(path, crate::input::POLICY)?;
    check(text, &path.display().to_string()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_cli_shorthand_for_scanning_and_encryption() {
        assert!(aws_scanning("scanOnPush=true").unwrap());
        assert!(!aws_scanning(r#"{"scanOnPush": false}"#).unwrap());
        for bad in ["scanOnPush=yes", "scan=true", "true", "{}"] {
            assert_eq!(
                aws_scanning(bad).unwrap_err().exit_code().code(),
                2,
                "{bad}"
            );
        }
        assert_eq!(
            aws_encryption("encryptionType=KMS,kmsKey=alias/ecr").unwrap(),
            (EncryptionType::Kms, Some("alias/ecr".into()))
        );
        assert_eq!(
            aws_encryption(r#"{"encryptionType":"AES256"}"#).unwrap(),
            (EncryptionType::Aes256, None)
        );
        for bad in ["encryptionType=RSA", "kmsKey=k", "type=KMS", "KMS"] {
            assert_eq!(
                aws_encryption(bad).unwrap_err().exit_code().code(),
                2,
                "{bad}"
            );
        }
    }

    #[test]
    fn exclusion_flags_mean_one_mode_each() {
        use MutabilityMode::*;
        let x = || vec!["x*".to_string()];
        assert_eq!(
            mutability_from_flags(None, x(), vec![]).unwrap().0,
            Some(ImmutableWithExclusion)
        );
        assert_eq!(
            mutability_from_flags(Some(Mutable), vec![], x()).unwrap().0,
            Some(MutableWithExclusion)
        );
        assert!(mutability_from_flags(Some(MutableWithExclusion), x(), vec![]).is_err());
        assert!(mutability_from_flags(Some(Immutable), vec![], x()).is_err());
        assert!(mutability_from_flags(None, x(), x()).is_err());
    }
}
