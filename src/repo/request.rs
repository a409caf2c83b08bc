//! Turns `repo create` flags and `--from-file` into the validated list of repositories to
//! converge. Every name, setting and document is checked here, before any AWS call, so a
//! single bad entry means nothing at all is created.

use std::collections::BTreeSet;
use std::path::Path;

use super::file;
use super::settings::{self, DesiredRepo};
use crate::cli::{EncryptionArg, RepoCreateArgs, RepoSettingsArgs, TagMutabilityArg};
use crate::error::{CliError, Result};
use crate::model::repository::{EncryptionType, MutabilityMode, RepoSettings};
use crate::names;

/// The repositories a `repo create` run asks for, validated.
pub fn desired_repos(args: &RepoCreateArgs) -> Result<Vec<DesiredRepo>> {
    let flags = settings_from_flags(&args.settings)?;
    let mut repos: Vec<DesiredRepo> = args
        .names
        .iter()
        .map(|name| DesiredRepo {
            name: name.clone(),
            settings: flags.clone(),
        })
        .collect();
    if let Some(path) = &args.from_file {
        let bulk = file::read(path)?;
        // Precedence: the entry itself > command-line flags > the file's [defaults].
        let shared = bulk.defaults.overlaid_with(&flags);
        repos.extend(bulk.entries.into_iter().map(|(name, entry)| DesiredRepo {
            name,
            settings: shared.overlaid_with(&entry),
        }));
    }
    if repos.is_empty() {
        return Err(CliError::usage("no repositories named")
            .with_hint("name them (`ecrctl repo create my-app`) or pass --from-file FILE"));
    }
    check_names(&repos)?;
    Ok(repos)
}

fn check_names(repos: &[DesiredRepo]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for repo in repos {
        if let Err(problem) = names::check_repository_name(&repo.name) {
            return Err(names::name_error(&repo.name, &problem));
        }
        if !seen.insert(repo.name.as_str()) {
            return Err(
                CliError::usage(format!("repository `{}` is named twice", repo.name)).with_hint(
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
    let encryption_type = flags.encryption.map(|e| match e {
        EncryptionArg::Aes256 => EncryptionType::Aes256,
        EncryptionArg::Kms => EncryptionType::Kms,
        EncryptionArg::KmsDsse => EncryptionType::KmsDsse,
    });
    Ok(RepoSettings {
        scan_on_push: flags.scan_on_push,
        mutability: settings::mutability(mode, flags.immutable_exclude.clone())?,
        encryption: settings::encryption(encryption_type, flags.kms_key.clone())?,
        lifecycle_policy: read_policy(
            flags.lifecycle_policy.as_deref(),
            settings::lifecycle_policy,
        )?,
        repository_policy: read_policy(
            flags.repository_policy.as_deref(),
            settings::repository_policy,
        )?,
        tags: settings::parse_tag_flags(&flags.tags)?,
    })
}

fn read_policy<T>(
    path: Option<&Path>,
    check: impl Fn(String, &str) -> Result<T>,
) -> Result<Option<T>> {
    let Some(path) = path else { return Ok(None) };
    let text = crate::input::read_file(path, crate::input::POLICY)?;
    check(text, &path.display().to_string()).map(Some)
}
