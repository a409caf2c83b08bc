//! The evidence behind each check: AWS (credentials, token, repository, policies),
//! the registry host (DNS, TLS, /v2/), and docker's stored credentials.

use std::path::Path;

use super::check::{Check, layer_sizes};
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
            "registry-host",
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
            "registry-host",
            format!("{host} resolves, TLS works, /v2/ accepts a fresh token"),
        ),
        Probe::Rejected(code) => Check::fail(
            "registry-host",
            format!(
                "{host} refuses a fresh token for account {} ({code})",
                token.account
            ),
            "check that the image's account and region match the registry (--registry-id, --region)",
        ),
        Probe::Tls(why) => Check::fail(
            "registry-host",
            format!("TLS to {host} failed: {why}"),
            format!("pass --ca-cert, or put the CA in /etc/docker/certs.d/{host}/ca.crt"),
        ),
        Probe::NoSuchHost(why) | Probe::Unreachable(why) => Check::fail(
            "registry-host",
            format!("cannot reach {host}: {why}"),
            "check the network path (proxy, security groups, VPC endpoints) to the registry",
        ),
        Probe::Unexpected(code) => Check::warn(
            "registry-host",
            format!("{host}/v2/ answered {code}"),
            "run again with -v",
        ),
    }
}

/// What docker would send to `host`, and whether it works.
pub async fn docker(host: &str, config: &DockerConfig, ca_cert: Option<&Path>) -> Check {
    const ID: &str = "docker-credentials";
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
                        "install {program}, or let ecrctl serve ECR tokens: `ecrctl login --install-helper`"
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
                        "run `ecrctl login`",
                    );
                }
                HelperAnswer::Failed { message } if helpers::is_desktop_stub_error(&message) => {
                    return Check::fail(
                        ID,
                        format!(
                            "docker's credential store `{helper}` is broken (\"Error saving credentials: The stub received bad data\")"
                        ),
                        "`ecrctl login --install-helper` (or `--no-creds-store`); restarting Docker Desktop helps for a while",
                    );
                }
                HelperAnswer::Failed { message } => {
                    return Check::fail(
                        ID,
                        format!("`{program}` failed: {message}"),
                        "fix the helper, or `ecrctl login --install-helper`",
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
                    "run `ecrctl login`",
                );
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
            "run `ecrctl login --force`, or `ecrctl login --install-helper` so it never expires again",
        );
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
            "run `ecrctl login --force`",
        ),
        other => Check::warn(
            ID,
            format!("could not try docker's credentials: {other:?}"),
            "see the registry-host check",
        ),
    }
}

/// Reads `--layer-sizes`: a JSON list of sizes, a manifest, or an OCI layout folder.
pub fn read_layer_sizes(path: &Path) -> Result<Vec<u64>, String> {
    let manifest_sizes = |doc: &serde_json::Value| -> Option<Vec<u64>> {
        doc.get("layers")?
            .as_array()?
            .iter()
            .map(|l| l.get("size")?.as_u64())
            .collect()
    };
    if path.is_dir() {
        let index: serde_json::Value = serde_json::from_slice(
            &std::fs::read(path.join("index.json")).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        let digest = index["manifests"][0]["digest"]
            .as_str()
            .ok_or("index.json names no manifest")?;
        let blob = path
            .join("blobs/sha256")
            .join(digest.trim_start_matches("sha256:"));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(blob).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        return manifest_sizes(&manifest)
            .ok_or_else(|| "the layout's manifest has no layer sizes".into());
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    if let Some(list) = doc.as_array() {
        return list
            .iter()
            .map(|v| v.as_u64().ok_or_else(|| format!("{v} is not a byte count")))
            .collect();
    }
    manifest_sizes(&doc).ok_or_else(|| {
        "expected a JSON list of byte counts or an image manifest with layers".into()
    })
}

pub fn layers(sizes: Option<&[u64]>) -> Check {
    match sizes {
        Some(sizes) => layer_sizes(sizes),
        None => Check::skipped(
            "layer-size",
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
