//! Which certificate authorities a registry connection trusts, as docker and skopeo do:
//! the system roots (SSL_CERT_FILE / SSL_CERT_DIR honoured), docker's
//! `/etc/docker/certs.d/HOST[:PORT]/*.crt`, and `--ca-cert FILE`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{CliError, Result};

/// docker's per-registry CA folder. `ECRCTL_DOCKER_CERTS_D` moves it (tests, rootless).
pub fn docker_certs_dir() -> PathBuf {
    std::env::var_os("ECRCTL_DOCKER_CERTS_D")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/etc/docker/certs.d"))
}

/// Root certificates for `host` (HOST or HOST:PORT).
pub fn root_store(host: &str, ca_cert: Option<&Path>, certs_d: &Path) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    // Unreadable system stores are not fatal: explicit CAs may be all that is needed.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    for path in docker_ca_files(host, certs_d) {
        add_pem_file(&mut roots, &path)?;
    }
    if let Some(path) = ca_cert {
        add_pem_file(&mut roots, path)?;
    }
    Ok(roots)
}

/// `*.crt` files in certs.d/HOST (sorted, so the order is stable).
fn docker_ca_files(host: &str, certs_d: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(certs_d.join(host)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .collect();
    files.sort();
    files
}

/// Checks that `path` is a readable PEM file with at least one certificate.
/// The largest CA file read: the system bundle is about 200 KiB.
const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;

pub fn check_ca_file(path: &Path) -> Result<()> {
    add_pem_file(&mut RootCertStore::empty(), path)
}

fn add_pem_file(roots: &mut RootCertStore, path: &Path) -> Result<()> {
    let bad = |why: String| {
        CliError::usage(format!("cannot use CA certificate {}", path.display()))
            .with_cause(why)
            .with_hint("pass a PEM file holding one or more `BEGIN CERTIFICATE` blocks")
    };
    // A regular file of bounded size: /dev/zero or a FIFO must not eat memory or hang.
    let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad("it is not a regular file".into()));
    }
    if meta.len() > MAX_PEM_BYTES {
        return Err(bad(format!(
            "it is {} bytes; a CA bundle is at most {} KiB",
            meta.len(),
            MAX_PEM_BYTES / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("it holds no certificates".into()));
    }
    for cert in certs {
        roots.add(cert).map_err(|e| bad(e.to_string()))?;
    }
    Ok(())
}

/// A rustls client configuration trusting `root_store(host, …)`.
pub fn client_config(
    host: &str,
    ca_cert: Option<&Path>,
    certs_d: &Path,
) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| CliError::usage(format!("TLS set-up failed: {e}")))?
        .with_root_certificates(root_store(host, ca_cert, certs_d)?)
        .with_no_client_auth();
    Ok(config)
}

/// An HTTP client for one registry host with the trust above and bounded waits: connect
/// within 10 s, no read idle for longer than the request deadline, and every request done
/// (body included) within the deadline (`ECRCTL_HTTP_TIMEOUT`; blobs scale it by size).
pub fn http_client(host: &str, ca_cert: Option<&Path>, certs_d: &Path) -> Result<reqwest::Client> {
    let limit = super::deadline::request_timeout()?;
    let tls = client_config(host, ca_cert, certs_d)?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(super::deadline::connect_timeout(limit))
        .read_timeout(limit)
        .timeout(limit)
        .user_agent(concat!("ecrctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CliError::usage(format!("could not build an HTTP client: {e}")))
}
