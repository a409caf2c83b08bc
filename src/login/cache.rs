//! The token cache: one 0600 JSON file per (profile, account, region, endpoints) in the
//! user's cache folder, so a login or a credential-helper `get` within a token's life
//! makes no AWS call.
//!
//! An entry also records how its token was obtained (profile, region, API endpoint), so
//! the credential helper can refresh a host it is asked about. A token that was already
//! expired when issued is not stored (only that recipe is), so nothing loops on it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::token::RegistryToken;
use crate::error::{CliError, Result};
use crate::secret::Secret;

/// Whether the token cache is switched off: `ECRCTL_NO_CACHE`, or amazon-ecr-credential-
/// helper's `AWS_ECR_DISABLE_CACHE`, set to anything but empty, `0` or `false`.
pub fn disabled() -> bool {
    ["ECRCTL_NO_CACHE", "AWS_ECR_DISABLE_CACHE"]
        .iter()
        .any(|name| {
            std::env::var(name).is_ok_and(|v| {
                !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false")
            })
        })
}

/// Where tokens are cached, or `None` when the cache is [`disabled`]: `ECRCTL_CACHE_DIR`,
/// else amazon-ecr-credential-helper's `AWS_ECR_CACHE_DIR` (`~/` expanded), else the
/// platform cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
/// macOS) + `ecrctl/tokens`. With no home at all this is an error: a token is never
/// cached in a shared temp folder.
pub fn cache_dir() -> Result<Option<PathBuf>> {
    if disabled() {
        return Ok(None);
    }
    for name in ["ECRCTL_CACHE_DIR", "AWS_ECR_CACHE_DIR"] {
        let Some(value) = std::env::var_os(name).filter(|d| !d.is_empty()) else {
            continue;
        };
        let dir = match value.to_str().and_then(|v| v.strip_prefix("~/")) {
            Some(rest) => crate::fsutil::home_dir()?.join(rest),
            None => PathBuf::from(value),
        };
        // Relative, tokens would land wherever docker or the user happens to run (a CI
        // workspace that gets uploaded).
        if dir.is_relative() {
            return Err(
                CliError::usage(format!("{name} `{}` is a relative path", dir.display()))
                    .with_hint("give an absolute path, or unset it"),
            );
        }
        return Ok(Some(dir));
    }
    let fallback = if cfg!(target_os = "macos") {
        "Library/Caches"
    } else {
        ".cache"
    };
    let base = crate::fsutil::xdg_dir("XDG_CACHE_HOME", fallback)?;
    Ok(Some(base.join("ecrctl").join("tokens")))
}

/// What identifies a cached token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheKey {
    /// Whose credentials obtained it ([`crate::aws::identity::credentials_fingerprint`]):
    /// other credentials never find this entry.
    pub identity: String,
    pub profile: String,
    /// The profile came from `--profile`, so its credentials won over environment keys.
    /// Left out of the key when false, so earlier cache files keep their names.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub profile_explicit: bool,
    /// The account asked for, or `default` for the caller's own.
    pub registry_id: String,
    pub region: String,
    pub api_endpoint: Option<String>,
    pub registry_endpoint: Option<String>,
}

impl CacheKey {
    fn file_name(&self) -> String {
        let json = serde_json::to_vec(self).expect("a key serializes");
        let digest = hex::encode(Sha256::digest(&json));
        format!(
            "{}-{}-{}.json",
            self.region,
            self.registry_id,
            &digest[..16]
        )
    }
}

/// One cached token (or only the recipe for one, when `password` is `None`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheEntry {
    pub registry: String,
    /// The fingerprint of the credentials that obtained it; entries written before it
    /// existed have none and are never served.
    #[serde(default)]
    pub identity: Option<String>,
    pub account: String,
    pub region: String,
    pub profile: String,
    /// Refreshed with `--profile` semantics (the profile's credentials, not the
    /// environment's), as the login that made it was.
    #[serde(default)]
    pub profile_explicit: bool,
    pub api_endpoint: Option<String>,
    pub username: String,
    pub password: Option<String>,
    pub expires_at: Option<i64>,
    pub fetched_at: i64,
}

impl CacheEntry {
    pub fn new(
        token: &RegistryToken,
        key: &CacheKey,
        fetched_at: i64,
        store_password: bool,
    ) -> Self {
        Self {
            registry: token.host.clone(),
            identity: Some(key.identity.clone()),
            account: token.account.clone(),
            region: token.region.clone(),
            profile: key.profile.clone(),
            profile_explicit: key.profile_explicit,
            api_endpoint: key.api_endpoint.clone(),
            username: token.username.clone(),
            password: store_password.then(|| token.password.expose().to_string()),
            expires_at: token.expires_at,
            fetched_at,
        }
    }

    /// The cached token, if this entry holds one.
    pub fn token(&self) -> Option<RegistryToken> {
        Some(RegistryToken {
            host: self.registry.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
            username: self.username.clone(),
            password: Secret::new(self.password.clone()?),
            expires_at: self.expires_at,
        })
    }
}

/// The entry for `key`, if one was written by the same credentials.
pub fn read(dir: &Path, key: &CacheKey) -> Option<CacheEntry> {
    read_file(&dir.join(key.file_name()))
        .filter(|e| e.identity.as_deref() == Some(key.identity.as_str()))
}

fn read_file(path: &Path) -> Option<CacheEntry> {
    // A corrupt or foreign file is simply not a cache hit.
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Stores an entry: 0600, written atomically, with writers serialized by the cache's
/// lock (`DIR/.tokens.lock`).
pub fn write(dir: &Path, key: &CacheKey, entry: &CacheEntry) -> Result<()> {
    let json = serde_json::to_vec_pretty(entry).expect("an entry serializes");
    crate::fsutil::create_private_dir(dir).map_err(|e| {
        crate::error::CliError::remote(format!("could not create {}", dir.display()))
            .with_cause(e.to_string())
    })?;
    let _lock = crate::fsutil::lock_for(&dir.join("tokens"))?;
    crate::fsutil::write_atomic(&dir.join(key.file_name()), &json, 0o600)
}

/// Every readable entry, newest first.
pub fn all(dir: &Path) -> Vec<CacheEntry> {
    let mut entries: Vec<CacheEntry> = files(dir).into_iter().map(|(_, e)| e).collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.fetched_at));
    entries
}

/// Every readable entry with its file.
pub fn files(dir: &Path) -> Vec<(PathBuf, CacheEntry)> {
    let Ok(files) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    files
        .filter_map(|f| f.ok())
        .filter(|f| f.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|f| Some((f.path(), read_file(&f.path())?)))
        .collect()
}

/// Removes the entries `remove` picks (under the cache's lock); returns them.
pub fn remove_where(dir: &Path, remove: impl Fn(&CacheEntry) -> bool) -> Result<Vec<CacheEntry>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let _lock = crate::fsutil::lock_for(&dir.join("tokens"))?;
    let mut removed = Vec::new();
    for (path, entry) in files(dir) {
        if !remove(&entry) {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(entry),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(
                    CliError::remote(format!("could not remove {}", path.display()))
                        .with_cause(e.to_string()),
                );
            }
        }
    }
    Ok(removed)
}

/// The newest entry for `host`, from any credentials (only its recipe may be used).
pub fn find_by_host(dir: &Path, host: &str) -> Option<CacheEntry> {
    all(dir).into_iter().find(|e| e.registry == host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str) -> CacheKey {
        CacheKey {
            identity: "0123456789abcdef".into(),
            profile: profile.into(),
            profile_explicit: false,
            registry_id: "default".into(),
            region: "us-east-1".into(),
            api_endpoint: None,
            registry_endpoint: None,
        }
    }

    #[test]
    fn keys_differ_by_every_part() {
        assert_ne!(key("a").file_name(), key("b").file_name());
        let mut other = key("a");
        other.registry_endpoint = Some("127.0.0.1:5000".into());
        assert_ne!(key("a").file_name(), other.file_name());
        assert!(key("a").file_name().starts_with("us-east-1-default-"));
        let mut other = key("a");
        other.identity = "fedcba9876543210".into();
        assert_ne!(key("a").file_name(), other.file_name());
    }

    #[test]
    fn another_identity_never_reads_the_entry() {
        let dir = std::env::temp_dir().join(format!("ecrctl-cache-id-{}", std::process::id()));
        let token = RegistryToken {
            host: "h:1".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            username: "AWS".into(),
            password: Secret::new("pw".into()),
            expires_at: Some(10),
        };
        let mine = key("a");
        write(&dir, &mine, &CacheEntry::new(&token, &mine, 5, true)).unwrap();
        // Even a file under the same name, written for other credentials, is not a hit.
        let mut theirs = mine.clone();
        theirs.identity = "fedcba9876543210".into();
        std::fs::copy(dir.join(mine.file_name()), dir.join(theirs.file_name())).unwrap();
        assert!(read(&dir, &mine).is_some());
        assert!(read(&dir, &theirs).is_none());
        let removed = remove_where(&dir, |e| e.registry == "h:1").unwrap();
        assert_eq!(removed.len(), 2);
        assert!(all(&dir).is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn round_trips_and_finds_by_host() {
        let dir = std::env::temp_dir().join(format!("ecrctl-cache-{}", std::process::id()));
        let token = RegistryToken {
            host: "h:1".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            username: "AWS".into(),
            password: Secret::new("pw".into()),
            expires_at: Some(10),
        };
        write(
            &dir,
            &key("a"),
            &CacheEntry::new(&token, &key("a"), 5, true),
        )
        .unwrap();
        let entry = read(&dir, &key("a")).unwrap();
        assert_eq!(entry.token().unwrap().password.expose(), "pw");
        assert_eq!(find_by_host(&dir, "h:1").unwrap().account, "123456789012");
        write(
            &dir,
            &key("b"),
            &CacheEntry::new(&token, &key("b"), 6, false),
        )
        .unwrap();
        assert!(
            find_by_host(&dir, "h:1").unwrap().token().is_none(),
            "newest first"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
