//! The evidence behind each check: AWS (credentials, token, repository, policies),
//! the registry host (DNS, TLS, /v2/), and docker's stored credentials.

use std::path::Path;

use super::check::{AutoFix, Check, CheckId, layer_sizes};
use crate::docker::config::DockerConfig;
use crate::docker::helpers::{self, HelperAnswer};
use crate::login::client::find_on_path;
use crate::login::token::{self, RegistryToken};
use crate::registry::probe::{self, Probe};
use crate::secret::Secret;

/// DNS, TLS and `/v2/` with the fresh token.
pub async fn host(
    host: &str,
    token: &RegistryToken,
    region: &str,
    ca_cert: Option<&Path>,
) -> Check {
    let lookup = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:443")
    };
    // The system resolver has its own retries; 10 s is plenty for an answer.
    let resolved = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::net::lookup_host(&lookup),
    )
    .await
    .unwrap_or_else(|_| Err(std::io::Error::other("no answer from DNS within 10 s")));
    if let Err(e) = resolved {
        return Check::fail(
            CheckId::RegistryHost,
            format!(
                "`{host}` does not resolve ({e}): docker would say \"dial tcp: lookup {host}: no such host\""
            ),
            format!(
                "inside a VPC without internet access, create interface endpoints com.amazonaws.{region}.ecr.api and \
                 com.amazonaws.{region}.ecr.dkr with private DNS, and the S3 gateway endpoint; or use --registry-endpoint"
            ),
        );
    }
    match probe::check_credentials(host, &token.username, &token.password, ca_cert).await {
        Probe::Accepted => Check::ok(
            CheckId::RegistryHost,
            format!("{host} resolves, TLS works, /v2/ accepts a fresh token"),
        ),
        Probe::Rejected(code) => Check::fail(
            CheckId::RegistryHost,
            format!(
                "{host} refuses a fresh token for account {} ({code})",
                token.account
            ),
            "check that the image's account and region match the registry (--registry-id, --region)",
        ),
        Probe::Tls(why) => Check::fail(
            CheckId::RegistryHost,
            format!("TLS to {host} failed: {why}"),
            format!(
                "pass --ca-cert, or put the CA in /etc/docker/certs.d/{host}/ca.crt for docker \
                 and /etc/containers/certs.d/{host}/ca.crt for podman (or the system trust store)"
            ),
        ),
        Probe::NoSuchHost(why) | Probe::Unreachable(why) => Check::fail(
            CheckId::RegistryHost,
            format!("cannot reach {host}: {why}"),
            "check the network path (proxy, security groups, VPC endpoints) to the registry",
        ),
        Probe::Unexpected(code) => Check::warn(
            CheckId::RegistryHost,
            format!("{host}/v2/ answered {code}"),
            "run again with -v",
        ),
    }
}

/// What docker would send to `host`, and whether it works. The failures a `docker login`
/// with a fresh ECR token repairs (no login, an expired or refused one) carry the
/// `--fix` for it; a missing or broken credential helper does not, since `docker login`
/// goes through that same helper. `flags` (`--region …`, `--registry-id …`) make the
/// printed `ecrctl login` commands act on the image's registry.
pub async fn docker(
    host: &str,
    config: &DockerConfig,
    ca_cert: Option<&Path>,
    flags: &str,
) -> Check {
    const ID: CheckId = CheckId::DockerCredentials;
    let login = format!("ecrctl login{flags}");
    let credentials = match config.helper_for(host) {
        Some(helper) => {
            let program = format!("docker-credential-{helper}");
            if find_on_path(&program).is_none() {
                return Check::fail(
                    ID,
                    format!(
                        "docker's config names the credential helper `{helper}` for {host}, but `{program}` is not on PATH"
                    ),
                    format!(
                        "install {program}, or let ecrctl serve ECR tokens: `{login} --install-helper` \
                         (or `{login} --no-creds-store`)"
                    ),
                );
            }
            match helpers::get(&helper, host).await {
                HelperAnswer::Found { username, secret } => {
                    (username, secret, format!("helper `{helper}`"))
                }
                HelperAnswer::NotFound | HelperAnswer::Missing => {
                    return Check::fail(
                        ID,
                        format!(
                            "`{program}` has no credentials for {host} (docker: \"no basic auth credentials\")"
                        ),
                        format!("run `{login}`"),
                    )
                    .with_auto_fix(AutoFix::DockerLogin);
                }
                HelperAnswer::Failed { message } if helpers::is_desktop_stub_error(&message) => {
                    return Check::fail(
                        ID,
                        format!(
                            "docker's credential store `{helper}` is broken (\"Error saving credentials: The stub received bad data\")"
                        ),
                        format!(
                            "`{login} --install-helper` (or `{login} --no-creds-store`); restarting Docker Desktop helps for a while"
                        ),
                    );
                }
                HelperAnswer::Failed { message } => {
                    return Check::fail(
                        ID,
                        format!("`{program}` failed: {message}"),
                        format!("fix the helper, or `{login} --install-helper`"),
                    );
                }
            }
        }
        None => match config.stored_auth(host) {
            Some((user, password)) => (user, password, "auths in config.json".to_string()),
            None => {
                return Check::fail(
                    ID,
                    format!(
                        "docker has no login for {host}: a push fails with \"no basic auth credentials\""
                    ),
                    format!("run `{login}`"),
                )
                .with_auto_fix(AutoFix::DockerLogin);
            }
        },
    };
    let (user, password, source): (String, Secret, String) = credentials;
    let now = token::now();
    if let Some(expiry) = token::expiry_from_password(password.expose())
        && expiry <= now
    {
        return Check::fail(
            ID,
            format!(
                "the ECR token docker holds for {host} ({source}) expired at {} (\"authorization token has expired\")",
                token::rfc3339(expiry)
            ),
            format!(
                "run `{login} --force`, or `{login} --install-helper` so it never expires again"
            ),
        )
        .with_auto_fix(AutoFix::DockerLogin);
    }
    match probe::check_credentials(host, &user, &password, ca_cert).await {
        Probe::Accepted => Check::ok(
            ID,
            format!("docker's credentials for {host} ({source}) work"),
        ),
        Probe::Rejected(code) => Check::fail(
            ID,
            format!(
                "{host} refuses docker's stored credentials ({source}, {code}): a wrong, rotated or expired password"
            ),
            format!("run `{login} --force`"),
        )
        .with_auto_fix(AutoFix::DockerLogin),
        other => Check::warn(
            ID,
            format!("could not try docker's credentials: {other:?}"),
            "see the registry-host check",
        ),
    }
}

/// An image manifest, as far as layer sizes go (not `deny_unknown_fields`: manifests
/// carry much more).
#[derive(serde::Deserialize)]
#[serde(expecting = "an image manifest with `layers`")]
struct RawManifest {
    layers: Vec<RawLayer>,
}

#[derive(serde::Deserialize)]
struct RawLayer {
    size: u64,
}

/// An OCI layout's `index.json`.
#[derive(serde::Deserialize)]
struct RawIndex {
    manifests: Vec<RawDescriptor>,
}

#[derive(serde::Deserialize)]
struct RawDescriptor {
    digest: String,
}

/// Deserializes JSON text, naming the JSON path of a problem.
fn typed<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    crate::input::from_json(text).map_err(|e| e.to_string())
}

/// Reads `--layer-sizes`: a JSON list of sizes, a manifest, or an OCI layout folder. One
/// that lists no layer is refused: checking nothing is not a pass.
pub fn read_layer_sizes(path: &Path) -> Result<Vec<u64>, String> {
    let sizes = read_sizes(path)?;
    if sizes.is_empty() {
        return Err(
            "it lists no layers, so there is nothing to check (is it the image's manifest?)"
                .to_string(),
        );
    }
    Ok(sizes)
}

fn read_sizes(path: &Path) -> Result<Vec<u64>, String> {
    let read =
        |p: &Path| crate::input::read_file(p, crate::input::SETTINGS).map_err(|e| e.to_string());
    let manifest_sizes =
        |m: RawManifest| -> Vec<u64> { m.layers.into_iter().map(|l| l.size).collect() };
    if path.is_dir() {
        let index: RawIndex =
            typed(&read(&path.join("index.json"))?).map_err(|e| format!("index.json: {e}"))?;
        let digest = &index
            .manifests
            .first()
            .ok_or("index.json names no manifest")?
            .digest;
        // The digest becomes a file name: only `sha256:` + 64 hex digits, never a path.
        let hex = digest
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("index.json: `{digest}` is not a sha256 digest"))?;
        let manifest: RawManifest = typed(&read(&path.join("blobs/sha256").join(hex))?)
            .map_err(|e| format!("the layout's manifest: {e}"))?;
        return Ok(manifest_sizes(manifest));
    }
    let text = read(path)?;
    if text.trim_start().starts_with('[') {
        return typed::<Vec<u64>>(&text);
    }
    typed::<RawManifest>(&text)
        .map(manifest_sizes)
        .map_err(|e| {
            format!("expected a JSON list of byte counts or an image manifest with layers ({e})")
        })
}

pub fn layers(sizes: Option<&[u64]>) -> Check {
    match sizes {
        Some(sizes) => layer_sizes(sizes),
        None => Check::skipped(
            CheckId::LayerSize,
            "sizes unknown: pass --layer-sizes FILE to check the 52,000 MiB limit",
        ),
    }
}

/// Layer sizes of an image in the local docker daemon, read from `docker save`'s tar
/// (see `docker::save`). `Err` says why (no daemon, no image, stalled).
pub async fn local_image_layer_sizes(reference: &str) -> Result<Vec<u64>, String> {
    let program = find_on_path("docker").ok_or("the docker CLI is not installed")?;
    crate::docker::save::layer_sizes(&program, reference).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn layer_size_files_are_typed_and_checked() {
        let dir = std::env::temp_dir().join(format!("ecrctl-layers-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("layout/blobs/sha256")).unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let read = |p: &std::path::Path| super::read_layer_sizes(p);
        assert_eq!(read(&file("list.json", "\u{feff}[1, 2]")).unwrap(), [1, 2]);
        let m = file(
            "m.json",
            r#"{"schemaVersion":2,"layers":[{"size":5,"digest":"d"}]}"#,
        );
        assert_eq!(read(&m).unwrap(), [5]);
        for empty in ["[]", r#"{"schemaVersion":2,"layers":[]}"#] {
            let e = read(&file("empty.json", empty)).unwrap_err();
            assert!(e.contains("lists no layers"), "{e}");
        }
        let e = read(&file("neg.json", "[1, -2]")).unwrap_err();
        assert!(e.starts_with("$[1]: invalid value"), "{e}");
        let e = read(&file("bad.json", r#"{"layers":[{"size":"5"}]}"#)).unwrap_err();
        assert!(e.contains("$.layers[0].size: invalid type"), "{e}");
        // A layout whose index names a path instead of a digest is refused.
        file(
            "layout/index.json",
            r#"{"manifests":[{"digest":"sha256:../../m.json"}]}"#,
        );
        let e = read(&dir.join("layout")).unwrap_err();
        assert!(e.contains("is not a sha256 digest"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
