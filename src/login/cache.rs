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

/// Where tokens are cached: `ECRCTL_CACHE_DIR`, else the platform cache folder
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS) + `ecrctl/tokens`.
/// With no home at all this is an error: a token is never cached in a shared temp folder.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("ECRCTL_CACHE_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        // Relative, tokens would land wherever docker or the user happens to run (a CI
        // workspace that gets uploaded).
        if dir.is_relative() {
            return Err(CliError::usage(format!(
                "ECRCTL_CACHE_DIR `{}` is a relative path",
                dir.display()
            ))
            .with_hint("give an absolute path, or unset it"));
        }
        return Ok(dir);
    }
    let fallback = if cfg!(target_os = "macos") {
        "Library/Caches"
    } else {
        ".cache"
    };
    let base = crate::fsutil::xdg_dir("XDG_CACHE_HOME", fallback)?;
    Ok(base.join("ecrctl").join("tokens"))
}

/// What identifies a cached token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheKey {
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

pub fn read(dir: &Path, key: &CacheKey) -> Option<CacheEntry> {
    read_file(&dir.join(key.file_name()))
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
    let Ok(files) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut entries: Vec<CacheEntry> = files
        .filter_map(|f| f.ok())
        .filter(|f| f.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|f| read_file(&f.path()))
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.fetched_at));
    entries
}

/// The newest entry for `host`.
pub fn find_by_host(dir: &Path, host: &str) -> Option<CacheEntry> {
    all(dir).into_iter().find(|e| e.registry == host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(profile: &str) -> CacheKey {
        CacheKey {
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
