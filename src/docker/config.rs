//! Reading and safely editing docker's `config.json`.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use crate::error::{CliError, Result};
use crate::secret::Secret;

/// `$DOCKER_CONFIG` (relative paths too, as docker takes them), else `~/.docker`; with no
/// home at all, an error rather than a shared folder.
pub fn config_dir() -> Result<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Ok(crate::fsutil::home_dir()?.join(".docker")),
    }
}

/// `https://host:port/v1/` → `host:port`, as docker keys its entries loosely.
pub fn normalize_host(key: &str) -> String {
    let without_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    without_scheme
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The server name docker stores Docker Hub credentials under.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// The user name that marks an identity (refresh) token rather than a password.
pub const IDENTITY_TOKEN_USER: &str = "<token>";

fn is_docker_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    )
}

/// The names one registry's credentials may be stored under.
fn host_aliases(host: &str) -> Vec<&str> {
    if is_docker_hub(host) {
        vec!["docker.io", "index.docker.io", "registry-1.docker.io"]
    } else {
        vec![host]
    }
}

/// A docker config file, kept as JSON so that edits preserve every other key.
#[derive(Debug, Clone)]
pub struct DockerConfig {
    pub path: PathBuf,
    value: Map<String, Value>,
}

impl DockerConfig {
    /// Loads `DIR/config.json`; a missing file is an empty config.
    pub fn load(dir: &Path) -> Result<Self> {
        Self::load_path(dir.join("config.json"))
    }

    /// Loads a podman/skopeo `auth.json` (`--authfile`, the same `auths` / `credHelpers`
    /// shape as docker's file); unlike docker's own file, it must exist.
    pub fn load_authfile(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(CliError::usage(format!(
                "the authfile {} does not exist or is not a file",
                path.display()
            ))
            .with_hint("name a podman/skopeo auth.json (`podman login --authfile FILE`)"));
        }
        Self::load_path(path.to_path_buf())
    }

    fn load_path(path: PathBuf) -> Result<Self> {
        let value = match std::fs::read(&path) {
            // A byte-order mark (Windows editors) is accepted, as for every input.
            Ok(bytes) => match serde_json::from_slice::<Value>(
                bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes),
            ) {
                Ok(Value::Object(map)) => map,
                Ok(_) | Err(_) => {
                    return Err(CliError::usage(format!(
                        "{} is not a JSON object",
                        path.display()
                    ))
                    .with_hint("fix or move the file; docker cannot read it either"));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => {
                return Err(CliError::remote(format!("cannot read {}", path.display()))
                    .with_cause(e.to_string()));
            }
        };
        Ok(Self { path, value })
    }

    pub fn creds_store(&self) -> Option<&str> {
        self.value
            .get("credsStore")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// `credHelpers` as (host, helper) pairs.
    pub fn cred_helpers(&self) -> Vec<(String, String)> {
        self.value
            .get("credHelpers")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((normalize_host(k), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The helper docker uses for `host`: its credHelpers entry, else credsStore.
    pub fn helper_for(&self, host: &str) -> Option<String> {
        self.cred_helpers()
            .into_iter()
            .find(|(h, _)| h == host)
            .map(|(_, helper)| helper)
            .or_else(|| self.creds_store().map(String::from))
    }

    /// Hosts under `auths`, each with the credentials stored inline (if any).
    pub fn auths(&self) -> Vec<(String, Option<(String, Secret)>)> {
        let Some(map) = self.value.get("auths").and_then(Value::as_object) else {
            return Vec::new();
        };
        map.iter()
            .map(|(key, entry)| (normalize_host(key), decode_auth(entry)))
            .collect()
    }

    /// Inline credentials stored for `host`, if any.
    pub fn stored_auth(&self, host: &str) -> Option<(String, Secret)> {
        self.auths()
            .into_iter()
            .find(|(h, _)| h == host)
            .and_then(|(_, auth)| auth)
    }

    /// The helper for `host` and the server name to ask it for. Docker Hub is keyed in
    /// many ways (`https://index.docker.io/v1/`, `docker.io`, `index.docker.io`,
    /// `registry-1.docker.io`) and its helpers are asked for `https://index.docker.io/v1/`,
    /// as docker does.
    pub fn helper_and_server(&self, host: &str) -> Option<(String, String)> {
        let aliases = host_aliases(host);
        let helper = self
            .cred_helpers()
            .into_iter()
            .find(|(h, _)| aliases.contains(&h.as_str()))
            .map(|(_, helper)| helper)
            .or_else(|| self.creds_store().map(String::from))?;
        let server = if is_docker_hub(host) {
            DOCKER_HUB_SERVER.to_string()
        } else {
            host.to_string()
        };
        Some((helper, server))
    }

    /// What `auths` holds for `host` (Docker Hub under any of its names): a user and
    /// password from `auth`, or an `identitytoken` (ACR, Harbor OIDC…) returned with the
    /// user `<token>`, as credential helpers return one.
    ///
    /// An `auth` value that is not base64 of `user:password` is bad input naming the file
    /// and the key (docker: "invalid auth configuration"), never silent anonymous access;
    /// an empty or absent `auth` is no credentials, as for docker.
    pub fn login_for(&self, host: &str) -> Result<Option<(String, Secret)>> {
        let Some(map) = self.value.get("auths").and_then(Value::as_object) else {
            return Ok(None);
        };
        let aliases = host_aliases(host);
        let Some((key, entry)) = map
            .iter()
            .find(|(key, _)| aliases.contains(&normalize_host(key).as_str()))
        else {
            return Ok(None);
        };
        if let Some(token) = entry
            .get("identitytoken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            return Ok(Some((
                IDENTITY_TOKEN_USER.to_string(),
                Secret::new(token.to_string()),
            )));
        }
        let present = match entry.get("auth") {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        match decode_auth(entry) {
            Some(login) => Ok(Some(login)),
            None if !present => Ok(None),
            None => Err(CliError::usage(format!(
                "{}: the `auth` entry under `auths.\"{key}\"` is not base64 of `user:password`",
                self.path.display()
            ))
            .with_hint(format!(
                "log in again (`docker login {host}`), or fix or remove that entry; \
                 nothing was copied"
            ))),
        }
    }

    /// Sets `credHelpers[host] = helper` for each host; returns the hosts that changed.
    pub fn set_cred_helpers(&mut self, hosts: &[String], helper: &str) -> Vec<String> {
        let helpers = self
            .value
            .entry("credHelpers")
            .or_insert_with(|| Value::Object(Map::new()));
        if !helpers.is_object() {
            *helpers = Value::Object(Map::new());
        }
        let map = helpers.as_object_mut().expect("made an object above");
        let mut changed = Vec::new();
        for host in hosts {
            if map.get(host).and_then(Value::as_str) != Some(helper) {
                map.insert(host.clone(), Value::String(helper.to_string()));
                changed.push(host.clone());
            }
        }
        changed
    }

    /// Removes `auths` entries for `hosts` (stale inline tokens a credential helper
    /// replaces); returns the hosts removed.
    pub fn remove_auths(&mut self, hosts: &[String]) -> Vec<String> {
        let Some(auths) = self.value.get_mut("auths").and_then(Value::as_object_mut) else {
            return Vec::new();
        };
        let keys: Vec<String> = auths
            .keys()
            .filter(|k| hosts.contains(&normalize_host(k)))
            .cloned()
            .collect();
        for key in &keys {
            auths.remove(key);
        }
        keys.iter().map(|k| normalize_host(k)).collect()
    }

    /// Keeps the logins `earlier` holds (ecrctl's previous copy, where docker stored
    /// `auths` since): each of its `auths` entries with credentials is kept unless this
    /// config has credentials of its own for that key (an empty `{}` placeholder of a
    /// credential store does not count).
    pub fn keeping_auths_of(mut self, earlier: &DockerConfig) -> Self {
        let has_credentials = |entry: &Value| {
            entry
                .as_object()
                .is_some_and(|o| o.contains_key("auth") || o.contains_key("identitytoken"))
        };
        let Some(Value::Object(kept)) = earlier.value.get("auths") else {
            return self;
        };
        let auths = self
            .value
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(auths) = auths else {
            return self;
        };
        for (key, entry) in kept {
            if has_credentials(entry) && !auths.get(key).is_some_and(has_credentials) {
                auths.insert(key.clone(), entry.clone());
            }
        }
        self
    }

    /// A copy without `credsStore` (for a separate DOCKER_CONFIG that stores in `auths`).
    pub fn without_creds_store(&self, dir: &Path) -> Self {
        let mut value = self.value.clone();
        value.remove("credsStore");
        Self {
            path: dir.join("config.json"),
            value,
        }
    }

    /// Writes the file atomically (0600 when new; an existing file, or the file a
    /// symlinked `config.json` points at, keeps its mode),
    /// keeping the previous version as a backup. Returns the backup's path when there was
    /// a previous version. Callers editing the file hold [`lock`] from load to save.
    pub fn save_with_backup(&self) -> Result<Option<PathBuf>> {
        let backup = match std::fs::read(&self.path) {
            Ok(previous) => Some(backup(&self.path, &previous)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(
                    CliError::remote(format!("cannot read {}", self.path.display()))
                        .with_cause(e.to_string()),
                );
            }
        };
        self.save()?;
        Ok(backup)
    }

    /// Writes the file atomically, with no backup (for a file ecrctl owns and rebuilds).
    pub fn save(&self) -> Result<()> {
        let mut bytes =
            serde_json::to_vec_pretty(&Value::Object(self.value.clone())).expect("JSON serializes");
        bytes.push(b'\n');
        crate::fsutil::write_atomic(&self.path, &bytes, 0o600)
    }
}

/// Serializes edits of `DIR/config.json` between ecrctl processes: hold the guard from
/// [`DockerConfig::load`] to [`DockerConfig::save_with_backup`] so that no concurrent
/// edit is lost (docker itself does not take this lock).
pub fn lock(dir: &Path) -> Result<crate::fsutil::FileLock> {
    crate::fsutil::lock_for(&dir.join("config.json"))
}

/// Copies `previous` to a fresh `config.json.ecrctl-backup-<UTC time>` (then `-2`, `-3`,
/// … within the same second) beside `path`, 0600; an existing backup is never replaced.
fn backup(path: &Path, previous: &[u8]) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config.json".into());
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let fail = |e: std::io::Error| {
        CliError::remote(format!("could not back up {}", path.display())).with_cause(e.to_string())
    };
    for n in 1..1000 {
        let suffix = match n {
            1 => String::new(),
            n => format!("-{n}"),
        };
        let candidate = path.with_file_name(format!("{name}.ecrctl-backup-{stamp}{suffix}"));
        match crate::fsutil::create_new(&candidate, previous, 0o600) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail(e)),
        }
    }
    Err(fail(std::io::Error::other("no free backup name")))
}

fn decode_auth(entry: &Value) -> Option<(String, Secret)> {
    let encoded = entry.get("auth")?.as_str()?;
    let text = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), Secret::new(password.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> DockerConfig {
        DockerConfig {
            path: PathBuf::from("/nonexistent/config.json"),
            value: serde_json::from_str(json).unwrap(),
        }
    }

    #[test]
    fn reads_auths_helpers_and_store() {
        let auth = STANDARD.encode("AWS:pw");
        let c = config(&format!(
            r#"{{"auths":{{"https://a.example:5000/v1/":{{"auth":"{auth}"}},"b.example":{{}}}},
               "credHelpers":{{"c.example":"ecr-login"}},"credsStore":"desktop"}}"#
        ));
        let (user, pw) = c.stored_auth("a.example:5000").unwrap();
        assert_eq!((user.as_str(), pw.expose()), ("AWS", "pw"));
        assert!(c.stored_auth("b.example").is_none());
        assert_eq!(c.helper_for("c.example").as_deref(), Some("ecr-login"));
        assert_eq!(c.helper_for("other").as_deref(), Some("desktop"));
    }

    #[test]
    fn docker_hub_under_any_key_and_identity_tokens() {
        let auth = STANDARD.encode("me:pw");
        let c = config(&format!(
            r#"{{"auths":{{"https://index.docker.io/v1/":{{"auth":"{auth}"}},
                 "acr.example.io":{{"auth":"","identitytoken":"refresh-me"}}}},
               "credHelpers":{{"docker.io":"hub-helper"}}}}"#
        ));
        let (user, pw) = c.login_for("registry-1.docker.io").unwrap().unwrap();
        assert_eq!((user.as_str(), pw.expose()), ("me", "pw"));
        let (user, pw) = c.login_for("acr.example.io").unwrap().unwrap();
        assert_eq!(
            (user.as_str(), pw.expose()),
            (IDENTITY_TOKEN_USER, "refresh-me")
        );
        assert_eq!(
            c.helper_and_server("registry-1.docker.io"),
            Some(("hub-helper".into(), DOCKER_HUB_SERVER.into()))
        );
        assert_eq!(c.helper_and_server("other.example"), None);
        assert!(c.login_for("other.example").unwrap().is_none());
    }

    #[test]
    fn set_cred_helpers_keeps_other_keys_and_reports_changes() {
        let mut c = config(r#"{"auths":{},"credHelpers":{"x":"y"},"psFormat":"table"}"#);
        assert_eq!(
            c.set_cred_helpers(&["h1".into(), "x".into()], "y"),
            vec!["h1".to_string()]
        );
        assert_eq!(c.value["psFormat"], "table");
        assert_eq!(c.value["credHelpers"]["h1"], "y");
        assert!(c.set_cred_helpers(&["h1".into()], "y").is_empty());
    }

    #[test]
    fn backups_never_replace_an_earlier_backup() {
        let dir = std::env::temp_dir().join(format!("ecrctl-backup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut c = config(r#"{"auths":{}}"#);
        c.path = dir.join("config.json");
        assert_eq!(c.save_with_backup().unwrap(), None, "nothing to back up");
        let mut backups = Vec::new();
        for helper in ["a", "b", "c"] {
            let before = std::fs::read(&c.path).unwrap();
            c.set_cred_helpers(&["h".into()], helper);
            let backup = c.save_with_backup().unwrap().expect("a backup");
            assert_eq!(std::fs::read(&backup).unwrap(), before);
            assert!(!backups.contains(&backup), "{}", backup.display());
            let mode = std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(&backup).unwrap().permissions(),
            );
            assert_eq!(mode & 0o777, 0o600);
            backups.push(backup);
        }
        // Every backup still holds what it saved: the first is the original file.
        assert!(
            !std::fs::read_to_string(&backups[0])
                .unwrap()
                .contains("credHelpers")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_malformed_auth_entry_is_an_error_naming_the_key() {
        let no_colon = STANDARD.encode("justapassword");
        for bad in ["!!!notbase64SECRETPW", no_colon.as_str()] {
            let c = config(&format!(
                r#"{{"auths":{{"https://h1:5000/v1/":{{"auth":"{bad}"}}}}}}"#
            ));
            let e = c.login_for("h1:5000").unwrap_err();
            let text = format!("{e:?}");
            assert!(text.contains("https://h1:5000/v1/"), "{text}");
            assert!(
                !text.contains("SECRETPW") && !text.contains(&no_colon),
                "{text}"
            );
        }
        let c = config(r#"{"auths":{"h1":{"auth":""},"h2":{}}}"#);
        assert!(c.login_for("h1").unwrap().is_none());
        assert!(c.login_for("h2").unwrap().is_none());
        assert!(c.login_for("h3").unwrap().is_none());
    }

    #[test]
    fn remove_auths_matches_loosely_written_keys() {
        let mut c = config(r#"{"auths":{"https://h1/v1/":{"auth":"x"},"h2":{}}}"#);
        assert_eq!(c.remove_auths(&["h1".into()]), vec!["h1".to_string()]);
        assert!(c.stored_auth("h1").is_none());
        assert_eq!(c.auths().len(), 1);
    }

    #[test]
    fn a_rebuilt_copy_keeps_the_logins_of_the_earlier_copy() {
        let user = config(
            r#"{"credsStore":"desktop","auths":{"a.example":{},"b.example":{"auth":"dTpi"}}}"#,
        );
        let earlier = config(
            r#"{"auths":{"a.example":{"auth":"dTph"},"b.example":{"auth":"old"},"ghcr.io":{"auth":"dTpn"},"c.example":{}}}"#,
        );
        let copy = user
            .without_creds_store(Path::new("/nowhere"))
            .keeping_auths_of(&earlier);
        let auths = copy.value["auths"].as_object().unwrap();
        assert_eq!(auths["a.example"]["auth"], "dTph", "placeholder replaced");
        assert_eq!(
            auths["b.example"]["auth"], "dTpi",
            "the user's own credentials win"
        );
        assert_eq!(auths["ghcr.io"]["auth"], "dTpn");
        assert!(!auths.contains_key("c.example"));
        assert!(!copy.value.contains_key("credsStore"));
    }
}
