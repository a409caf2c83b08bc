//! Why a client login failed, from what the client said and what the registry answered.
//! Pure: maps evidence to an error with a cause and a fix.

use crate::error::CliError;
use crate::registry::probe::Probe;

/// Evidence about one failed login.
pub struct Failure<'a> {
    pub client: &'a str,
    pub host: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    /// What the client printed (password already masked).
    pub said: &'a str,
    /// The credential helper docker stores through (credHelpers/credsStore), if any.
    pub store: Option<&'a str>,
    pub probe: Option<&'a Probe>,
}

const STORE_FIX: &str = "let ecrctl serve ECR tokens to docker with `ecrctl login --install-helper`, or \
     keep ECR logins out of the store with `ecrctl login --no-creds-store`";

pub fn explain(f: &Failure<'_>) -> CliError {
    let error = CliError::remote(format!("{} login to {} failed", f.client, f.host))
        .with_cause(first_line(f.said));
    let said = f.said.to_ascii_lowercase();
    if said.contains("stub received bad data") {
        return error
            .with_cause(format!(
                "docker's credential store `{}` is broken: Docker Desktop's store is known to fail this \
                 way (\"Error saving credentials: The stub received bad data\")",
                f.store.unwrap_or("desktop")
            ))
            .with_hint(format!("{STORE_FIX}; restarting Docker Desktop also clears it for a while"));
    }
    if said.contains("error saving credentials") || said.contains("error storing credentials") {
        let store = f.store.unwrap_or("(credsStore)");
        return error
            .with_cause(format!(
                "docker could not save the credentials through `docker-credential-{store}`"
            ))
            .with_hint(format!("install docker-credential-{store}, or {STORE_FIX}"));
    }
    match f.probe {
        Some(Probe::Rejected(code)) => error
            .with_cause(format!(
                "the registry refused the ECR token ({code}): it was issued for account {} in {}",
                f.account, f.region
            ))
            .with_hint(
                "check that the registry host matches the account and region (--registry-id, --region, \
                 --registry-endpoint) and that the token is current: `ecrctl login --force`",
            ),
        Some(Probe::NoSuchHost(why)) => error.with_cause(why.clone()).with_hint(format!(
            "`{}` does not resolve: inside a VPC without internet access create the interface endpoints \
             com.amazonaws.{region}.ecr.api and com.amazonaws.{region}.ecr.dkr with private DNS, plus the \
             S3 gateway endpoint; or pass --registry-endpoint",
            f.host,
            region = f.region
        )),
        Some(Probe::Tls(why)) => error.with_cause(why.clone()).with_hint(format!(
            "the registry's certificate is not trusted: pass --ca-cert FILE, or put the CA in \
             /etc/docker/certs.d/{}/ca.crt",
            f.host
        )),
        Some(Probe::Unreachable(why)) => error
            .with_cause(why.clone())
            .with_hint("check the network, proxy settings (HTTPS_PROXY) and firewall to the registry"),
        Some(Probe::Accepted) => error.with_hint(format!(
            "the registry accepts the token, so the problem is on the {} side: run the same login with \
             --verbose, or try `ecrctl login --print-password | {} login --username AWS --password-stdin {}`",
            f.client, f.client, f.host
        )),
        Some(Probe::Unexpected(_)) | None => error.with_hint("run again with -v for details"),
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure<'a>(said: &'a str, probe: Option<&'a Probe>) -> Failure<'a> {
        Failure {
            client: "docker",
            host: "h:1",
            account: "123456789012",
            region: "us-east-1",
            said,
            store: Some("desktop"),
            probe,
        }
    }

    #[test]
    fn docker_desktop_stub_error_points_at_the_store() {
        let e = explain(&failure(
            "Error saving credentials: error storing credentials - err: exit status 1, out: `The stub received bad data.`",
            None,
        ));
        assert!(e.causes().iter().any(|c| c.contains("`desktop` is broken")));
        assert!(e.hint().unwrap().contains("--install-helper"));
    }

    #[test]
    fn rejected_token_names_account_and_region() {
        let probe = Probe::Rejected(401);
        let e = explain(&failure(
            "login attempt failed with status: 401 Unauthorized",
            Some(&probe),
        ));
        assert!(
            e.causes()
                .iter()
                .any(|c| c.contains("refused the ECR token (401)") && c.contains("us-east-1"))
        );
        assert_eq!(e.exit_code().code(), 3);
    }

    #[test]
    fn unresolvable_host_mentions_vpc_endpoints() {
        let probe = Probe::NoSuchHost("dns error".into());
        let e = explain(&failure("no such host", Some(&probe)));
        assert!(
            e.hint()
                .unwrap()
                .contains("com.amazonaws.us-east-1.ecr.dkr")
        );
    }
}
