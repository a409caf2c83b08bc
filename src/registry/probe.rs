//! Asking a registry's `/v2/` whether credentials work, to explain a failed login:
//! name resolution, TLS, reachability and authentication are told apart.

use std::path::Path;

use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// `/v2/` accepted the credentials.
    Accepted,
    /// 401/403: the registry refused the credentials.
    Rejected(u16),
    /// The host name does not resolve.
    NoSuchHost(String),
    /// The TLS handshake failed (untrusted CA, wrong name…).
    Tls(String),
    /// Could not connect, or no answer in time.
    Unreachable(String),
    /// Any other answer.
    Unexpected(u16),
}

/// GET https://HOST/v2/ with basic auth (10 s limit).
pub async fn check_credentials(
    host: &str,
    username: &str,
    password: &Secret,
    ca_cert: Option<&Path>,
) -> Probe {
    let client = match super::tls::http_client(host, ca_cert, &super::tls::docker_certs_dir()) {
        Ok(client) => client,
        Err(e) => return Probe::Tls(e.to_string()),
    };
    let request = client
        .get(format!("https://{host}/v2/"))
        .basic_auth(username, Some(password.expose()))
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await;
    match request {
        Ok(response) => match response.status().as_u16() {
            200..=299 => Probe::Accepted,
            code @ (401 | 403) => Probe::Rejected(code),
            code => Probe::Unexpected(code),
        },
        Err(e) => classify(&e),
    }
}

fn classify(error: &reqwest::Error) -> Probe {
    let chain = crate::error::display_chain(error);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        Probe::NoSuchHost(chain)
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        Probe::Tls(chain)
    } else {
        Probe::Unreachable(chain)
    }
}
