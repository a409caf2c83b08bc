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

/// GET https://HOST/v2/ with basic auth, within the per-request deadline (at most 10 s:
/// a diagnosis should not keep anyone waiting).
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
    let limit = super::deadline::request_timeout()
        .unwrap_or(super::deadline::DEFAULT_REQUEST)
        .min(std::time::Duration::from_secs(10));
    let request = client
        .get(format!("https://{host}/v2/"))
        .basic_auth(username, Some(password.expose()))
        .timeout(limit)
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

/// The same sorting as the retry policy's, so a diagnosis and a copy agree.
fn classify(error: &reqwest::Error) -> Probe {
    use super::retry::ErrorKind;
    let chain = crate::error::display_chain(error);
    match super::retry::classify(error) {
        ErrorKind::NoSuchHost => Probe::NoSuchHost(chain),
        ErrorKind::Tls => Probe::Tls(chain),
        ErrorKind::Timeout | ErrorKind::Refused | ErrorKind::Interrupted | ErrorKind::Other => {
            Probe::Unreachable(chain)
        }
    }
}
