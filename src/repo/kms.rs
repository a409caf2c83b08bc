//! KMS keys when repository settings move between regions: `--kms-key-map OLD=NEW`
//! rewrites keys, and a key ARN of another region than the target is refused before any
//! change (ECR only encrypts with a key of the repository's own region).

use std::collections::BTreeMap;
use std::path::Path;

use super::settings::DesiredRepo;
use crate::error::{CliError, Result};
use crate::model::repository::RepoSettings;

/// OLD key → NEW key; `None` means the AWS managed key (KMS without a key).
pub type KeyMap = BTreeMap<String, Option<String>>;

/// Reads `--kms-key-map` values: `OLD=NEW` pairs, or a file of such lines (`#` comments).
pub fn read_key_map(values: &[String]) -> Result<KeyMap> {
    let mut map = KeyMap::new();
    for value in values {
        if value.contains('=') {
            insert_pair(&mut map, value, "--kms-key-map")?;
            continue;
        }
        let path = Path::new(value);
        if !path.exists() {
            return Err(CliError::usage(format!(
                "--kms-key-map `{value}` is neither OLD=NEW nor a file"
            ))
            .with_hint(
                "write --kms-key-map OLD_KEY_ARN=NEW_KEY_ARN, or name a file of OLD=NEW lines",
            ));
        }
        let text = crate::input::read_file(path, crate::input::SETTINGS)?;
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            insert_pair(
                &mut map,
                line,
                &format!("{}: line {}", path.display(), number + 1),
            )?;
        }
    }
    Ok(map)
}

fn insert_pair(map: &mut KeyMap, pair: &str, place: &str) -> Result<()> {
    let (old, new) = pair.split_once('=').ok_or_else(|| {
        CliError::usage(format!("{place}: `{pair}` is not OLD=NEW")).with_hint(
            "one mapping per line: OLD_KEY_ARN=NEW_KEY_ARN (NEW empty: the AWS managed key)",
        )
    })?;
    let (old, new) = (old.trim(), new.trim());
    if old.is_empty() {
        return Err(CliError::usage(format!("{place}: `{pair}` has no OLD key")));
    }
    let new = (!new.is_empty()).then(|| new.to_string());
    if let Some(previous) = map.insert(old.to_string(), new.clone())
        && previous != new
    {
        return Err(CliError::usage(format!(
            "{place}: key `{old}` is mapped twice, to different keys"
        )));
    }
    Ok(())
}

/// Applies the key map to one repository's settings.
pub fn map_key(settings: &mut RepoSettings, map: &KeyMap) {
    if let Some(encryption) = settings.encryption.as_mut()
        && let Some(old) = &encryption.kms_key
        && let Some(new) = map.get(old)
    {
        encryption.kms_key = new.clone();
    }
}

/// The region of a KMS key ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/…`), if it is one.
pub fn key_region(key: &str) -> Option<&str> {
    let mut parts = key.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some("kms"), Some(region)) if !region.is_empty() => Some(region),
        _ => None,
    }
}

/// The account of a KMS key ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/…`), if it is one.
pub fn key_account(key: &str) -> Option<&str> {
    key_region(key)?;
    key.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Whether any repository names a KMS key by ARN (whose account can be checked).
pub fn any_key_arn(repos: &[DesiredRepo]) -> bool {
    repos.iter().any(|r| {
        r.settings
            .encryption
            .as_ref()
            .and_then(|e| e.kms_key.as_deref())
            .and_then(key_account)
            .is_some()
    })
}

/// Refuses (exit 2, before any change) KMS key ARNs of another account than `account`:
/// a copy from another account would otherwise stay encrypted with the source account's
/// key for good (encryption cannot change), and break when that key is revoked.
pub fn check_accounts(repos: &[DesiredRepo], account: &str) -> Result<()> {
    let foreign: Vec<(&str, &str)> = repos
        .iter()
        .filter_map(|r| {
            let key = r.settings.encryption.as_ref()?.kms_key.as_deref()?;
            (key_account(key)? != account).then_some((r.name.as_str(), key))
        })
        .collect();
    let Some((_, example)) = foreign.first() else {
        return Ok(());
    };
    let mut error = CliError::usage(format!(
        "{} a KMS key of another account than {account}; nothing was changed",
        crate::output::count(foreign.len(), "repository names", "repositories name")
    ));
    for (name, key) in &foreign {
        error = error.with_cause(format!("{name}: {key}"));
    }
    Err(error.with_hint(format!(
        "encryption cannot change after creation, so a copy would depend on that account's \
         key for good: map each key with --kms-key-map {example}=NEW_KEY_ARN (a key of \
         {account}), or --kms-key-map {example}= for the AWS managed key"
    )))
}

/// Refuses (exit 2, before any change) KMS key ARNs of another region than `region`.
pub fn check_regions(repos: &[DesiredRepo], region: &str) -> Result<()> {
    let foreign: Vec<(&str, &str)> = repos
        .iter()
        .filter_map(|r| {
            let key = r.settings.encryption.as_ref()?.kms_key.as_deref()?;
            (key_region(key)? != region).then_some((r.name.as_str(), key))
        })
        .collect();
    let Some((_, example)) = foreign.first() else {
        return Ok(());
    };
    let mut error = CliError::usage(format!(
        "{} a KMS key of another region than {region}; nothing was changed",
        crate::output::count(foreign.len(), "repository names", "repositories name")
    ));
    for (name, key) in &foreign {
        error = error.with_cause(format!("{name}: {key}"));
    }
    Err(error.with_hint(format!(
        "ECR encrypts only with a key in the repository's region: map each key with \
         --kms-key-map {example}=NEW_KEY_ARN (a key or alias in {region}), or \
         --kms-key-map {example}= for the AWS managed key"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::repository::{Encryption, EncryptionType};

    const OLD: &str = "arn:aws:kms:us-east-1:123456789012:key/1111";
    const NEW: &str = "arn:aws:kms:us-west-2:123456789012:key/2222";

    fn repo(key: Option<&str>) -> DesiredRepo {
        DesiredRepo {
            name: "a1".into(),
            settings: RepoSettings {
                encryption: Some(Encryption {
                    encryption_type: EncryptionType::Kms,
                    kms_key: key.map(String::from),
                }),
                ..Default::default()
            },
        }
    }

    #[test]
    fn keys_of_another_region_are_refused_with_a_hint() {
        assert!(check_regions(&[repo(Some(NEW)), repo(None)], "us-west-2").is_ok());
        assert!(check_regions(&[repo(Some("alias/ecr"))], "us-west-2").is_ok());
        let err = check_regions(&[repo(Some(OLD))], "us-west-2").unwrap_err();
        assert_eq!(err.exit_code().code(), 2);
        assert!(err.causes()[0].contains(OLD));
        assert!(err.hint().unwrap().contains("--kms-key-map"));
    }

    #[test]
    fn keys_of_another_account_are_refused_with_a_hint() {
        let theirs = "arn:aws:kms:us-west-2:111122223333:key/3333";
        assert!(check_accounts(&[repo(Some(NEW)), repo(None)], "123456789012").is_ok());
        assert!(check_accounts(&[repo(Some("alias/ecr"))], "123456789012").is_ok());
        assert!(any_key_arn(&[repo(Some(theirs))]));
        assert!(!any_key_arn(&[repo(Some("alias/ecr")), repo(None)]));
        let err = check_accounts(&[repo(Some(theirs))], "123456789012").unwrap_err();
        assert_eq!(err.exit_code().code(), 2);
        assert!(err.causes()[0].contains(theirs));
        assert!(err.hint().unwrap().contains("--kms-key-map"));
    }

    #[test]
    fn the_map_rewrites_keys_and_empty_means_the_managed_key() {
        let map = read_key_map(&[format!("{OLD}={NEW}")]).unwrap();
        let mut r = repo(Some(OLD));
        map_key(&mut r.settings, &map);
        assert_eq!(r.settings.encryption.unwrap().kms_key.as_deref(), Some(NEW));

        let map = read_key_map(&[format!("{OLD}=")]).unwrap();
        let mut r = repo(Some(OLD));
        map_key(&mut r.settings, &map);
        let e = r.settings.encryption.unwrap();
        assert_eq!((e.encryption_type, e.kms_key), (EncryptionType::Kms, None));

        assert!(read_key_map(&["nofile-and-no-equals".into()]).is_err());
        assert!(read_key_map(&[format!("{OLD}=a"), format!("{OLD}=b")]).is_err());
    }

    #[test]
    fn a_map_file_has_one_pair_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.txt");
        std::fs::write(&path, format!("# keys\n{OLD} = {NEW}\n\n")).unwrap();
        let map = read_key_map(&[path.display().to_string()]).unwrap();
        assert_eq!(map[OLD].as_deref(), Some(NEW));
        std::fs::write(&path, "not a pair\n").unwrap();
        let err = read_key_map(&[path.display().to_string()]).unwrap_err();
        assert!(err.message().contains("line 1"), "{}", err.message());
    }
}
