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
    Ok(usable(location()?))
}

/// Where the cache is, whether or not it is switched off or usable (for `logout`, which
/// removes what earlier runs cached there).
pub fn location() -> Result<PathBuf> {
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

/// The largest cache entry read (a real one is well under 2 KiB): a huge file planted in
/// the folder is not read into memory on every `get`.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;

/// The effective user id, which must own the cache folder and every entry trusted.
fn my_uid() -> u32 {
    crate::fsutil::effective_uid()
}

/// Why `meta` (of the cache folder or an entry) is not private to this user, if it is not:
/// owned by someone else, or writable by the group or others.
fn not_private(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::MetadataExt;
    if meta.uid() != my_uid() {
        Some("it is owned by another user")
    } else if meta.mode() & 0o022 != 0 {
        Some("it is writable by the group or others")
    } else {
        None
    }
}

/// `dir` if it is fit to hold tokens: absent (it is created 0700), or a folder owned by
/// this user that only this user can write. Otherwise a warning and no cache: another
/// user could plant entries (steering the helper) or links (catching tokens) in it.
fn usable(dir: PathBuf) -> Option<PathBuf> {
    let why = match std::fs::metadata(&dir) {
        Ok(meta) if !meta.is_dir() => Some("it is not a folder"),
        Ok(meta) => not_private(&meta),
        // Absent, or unreachable: creating it (0700) or writing to it says what is wrong.
        Err(_) => None,
    };
    match why {
        None => Some(dir),
        Some(why) => {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                crate::output::to_stderr(&format!(
                    "warning: not using the token cache {}: {why} (tokens are fetched from AWS each time)\n\
                     hint: use a folder only you can write (`chmod 700`), or unset ECRCTL_CACHE_DIR/AWS_ECR_CACHE_DIR\n",
                    crate::output::sanitize(&dir.display().to_string())
                ));
            });
            None
        }
    }
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
    serde_json::from_slice(&read_trusted(path)?).ok()
}

/// The bytes of `path` if it is a regular file of this user that only this user can
/// write, not a symlink, and not larger than an entry can be. Opened without blocking
/// (a FIFO planted in the folder never hangs docker) and checked on the open file.
fn read_trusted(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_ENTRY_BYTES || not_private(&meta).is_some() {
        tracing::debug!(file = %path.display(), "ignored a cache file that is not a private regular file");
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_ENTRY_BYTES).then_some(bytes)
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
    write_private(dir, &key.file_name(), &json)?;
    prune(dir, token_now());
    Ok(())
}

fn token_now() -> i64 {
    super::token::now()
}

/// Writes `name` in `dir` as a new 0600 file renamed over the old one: a symlink (or a
/// file of another mode) in its place is replaced, never written through.
pub(crate) fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let fail = |e: std::io::Error| {
        CliError::remote(format!("could not write {}", path.display())).with_cause(e.to_string())
    };
    let meta = std::fs::metadata(dir).map_err(fail)?;
    if let Some(why) = not_private(&meta) {
        return Err(CliError::remote(format!(
            "refusing to write a token in {}: {why}",
            dir.display()
        )));
    }
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))
        .and_then(|()| temp.write_all(bytes))
        .and_then(|()| temp.as_file().sync_all())
        .map_err(fail)?;
    temp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// How long after its token expired an entry is kept (so `login status` can still say
/// `stale`/`expired`), and how long a principal alias is kept (the longest STS session).
const KEEP_EXPIRED_SECS: i64 = 24 * 3600;
const KEEP_ALIAS_SECS: i64 = 36 * 3600;

/// Removes entries whose token expired, and that were last written, more than a day ago
/// (a stand-in's token may be issued already expired) and old principal aliases, so a folder written by
/// short-lived identities (assumed roles, CI runners) does not grow forever. Best effort.
pub fn prune(dir: &Path, now: i64) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for file in read.filter_map(|f| f.ok()) {
        let path = file.path();
        let name = file.file_name().to_string_lossy().into_owned();
        let old = if name.ends_with(".json") {
            read_file(&path).is_some_and(|e| {
                e.expires_at.unwrap_or(0).max(e.fetched_at) + KEEP_EXPIRED_SECS < now
            })
        } else if name.ends_with(ALIAS_SUFFIX) {
            file.metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .is_some_and(|t| (t.as_secs() as i64) + KEEP_ALIAS_SECS < now)
        } else {
            false
        };
        if old {
            let _ = std::fs::remove_file(&path);
        }
    }
}

const ALIAS_SUFFIX: &str = ".principal";

/// The identity recorded for temporary credentials whose key fingerprint is `key_id`
/// (see [`crate::login::fetch::identity`]).
pub fn read_alias(dir: &Path, key_id: &str) -> Option<String> {
    let bytes = read_trusted(&dir.join(format!("{key_id}{ALIAS_SUFFIX}")))?;
    let text = String::from_utf8(bytes).ok()?;
    let id = text.trim();
    (id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// Records `identity` for the temporary credentials with key fingerprint `key_id`.
pub fn write_alias(dir: &Path, key_id: &str, identity: &str) -> Result<()> {
    crate::fsutil::create_private_dir(dir).map_err(|e| {
        CliError::remote(format!("could not create {}", dir.display())).with_cause(e.to_string())
    })?;
    write_private(dir, &format!("{key_id}{ALIAS_SUFFIX}"), identity.as_bytes())
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
            expires_at: Some(super::super::token::now() + 3600),
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
            expires_at: Some(super::super::token::now() + 3600),
        };
        write(
            &dir,
            &key("a"),
            &CacheEntry::new(&token, &key("a"), 5, true),
        )
        .unwrap();
        let entry = read(&dir, &key("a")).unwrap();
        assert_eq!(entry.token().unwrap().password.expose(), "pw");
        assert_eq!(all(&dir)[0].account, "123456789012");
        write(
            &dir,
            &key("b"),
            &CacheEntry::new(&token, &key("b"), 6, false),
        )
        .unwrap();
        assert!(all(&dir)[0].token().is_none(), "newest first");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn token(expires_at: i64) -> RegistryToken {
        RegistryToken {
            host: "h:1".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            username: "AWS".into(),
            password: Secret::new("pw".into()),
            expires_at: Some(expires_at),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecrctl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::fsutil::create_private_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn a_folder_others_can_write_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp("shared");
        assert_eq!(usable(dir.clone()), Some(dir.clone()));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(usable(dir.clone()), None);
        let k = key("a");
        let entry = CacheEntry::new(&token(token_now() + 3600), &k, token_now(), true);
        assert!(
            write(&dir, &k, &entry).is_err(),
            "no token written in a shared folder"
        );
        assert!(usable(dir.join("absent")).is_some());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn entries_are_never_written_through_links_and_foreign_files_are_not_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp("links");
        let k = key("a");
        let target = dir.with_extension("leak");
        std::fs::write(&target, "").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::os::unix::fs::symlink(&target, dir.join(k.file_name())).unwrap();
        let entry = CacheEntry::new(&token(token_now() + 3600), &k, token_now(), true);
        write(&dir, &k, &entry).unwrap();
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"",
            "the link's target is untouched"
        );
        let meta = std::fs::symlink_metadata(dir.join(k.file_name())).unwrap();
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert!(read(&dir, &k).is_some());
        // A group-writable entry, a link to an entry, a FIFO, a huge file: not read.
        let copy = dir.join("copy.json");
        std::fs::copy(dir.join(k.file_name()), &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o620)).unwrap();
        assert!(read_file(&copy).is_none());
        std::os::unix::fs::symlink(dir.join(k.file_name()), dir.join("link.json")).unwrap();
        assert!(read_file(&dir.join("link.json")).is_none());
        let fifo = dir.join("fifo.json");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert!(read_file(&fifo).is_none(), "a FIFO does not block");
        let huge = std::fs::File::create(dir.join("huge.json")).unwrap();
        huge.set_len(1 << 30).unwrap();
        assert!(read_file(&dir.join("huge.json")).is_none());
        assert_eq!(all(&dir).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_file(target).unwrap();
    }

    #[test]
    fn long_expired_entries_and_old_aliases_are_pruned() {
        let dir = temp("prune");
        let now = token_now();
        let (old, fresh) = (key("old"), key("fresh"));
        write(
            &dir,
            &fresh,
            &CacheEntry::new(&token(now + 3600), &fresh, now, true),
        )
        .unwrap();
        let stale = CacheEntry::new(&token(now - 2 * 24 * 3600), &old, now - 3 * 24 * 3600, true);
        write_private(&dir, &old.file_name(), &serde_json::to_vec(&stale).unwrap()).unwrap();
        write_alias(&dir, "0123456789abcdef", "fedcba9876543210").unwrap();
        assert_eq!(
            read_alias(&dir, "0123456789abcdef").as_deref(),
            Some("fedcba9876543210")
        );
        prune(&dir, now);
        assert!(read(&dir, &fresh).is_some());
        assert!(read(&dir, &old).is_none(), "expired two days ago: pruned");
        assert!(
            read_alias(&dir, "0123456789abcdef").is_some(),
            "a fresh alias stays"
        );
        prune(&dir, now + 2 * 24 * 3600);
        assert!(read_alias(&dir, "0123456789abcdef").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
