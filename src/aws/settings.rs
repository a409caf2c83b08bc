//! The AWS slice of the settings: which profile, region(s), account(s) and API endpoint,
//! validated once by `crate::settings` before any call, and the checks for their shapes.

use crate::error::{CliError, Result};

/// Which AWS profile, and who chose it: this decides whether environment keys win.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// `--profile` on the command line: its credentials win over AWS_ACCESS_KEY_ID in the
    /// environment, as in the AWS CLI. From AWS_PROFILE: the standard chain's order
    /// (environment keys first).
    pub explicit: bool,
}

/// The slice aws-config gets.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub profile: Option<Profile>,
    /// `--region`, validated (several only for `login`).
    pub regions: Vec<String>,
    /// `--registry-id`, validated (several only for `login`).
    pub registry_ids: Vec<String>,
    /// `--endpoint-url`, validated; AWS_ENDPOINT_URL(_ECR) are validated too but left to
    /// aws-config to apply.
    pub endpoint_url: Option<String>,
}

impl AwsSettings {
    /// The one `--region` of a command that takes one (`login` and the lifecycle fleet commands take several).
    pub fn region(&self) -> Result<Option<&str>> {
        one(&self.regions, "--region")
    }

    /// The one `--registry-id` of a command that takes one.
    pub fn registry_id(&self) -> Result<Option<&str>> {
        one(&self.registry_ids, "--registry-id")
    }

    /// The profile name, however it was chosen.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_ref().map(|p| p.name.as_str())
    }
}

fn one<'a>(values: &'a [String], flag: &str) -> Result<Option<&'a str>> {
    match values {
        [] => Ok(None),
        [one] => Ok(Some(one.as_str())),
        _ => Err(CliError::usage(format!(
            "{flag} was given {} times; this command takes one",
            values.len()
        ))
        .with_hint(format!(
            "pass a single {flag} (only `ecrctl login`, `lifecycle preview --all-repositories` and `lifecycle apply` take several)"
        ))),
    }
}

/// AWS region names: lowercase letters, digits and dashes, such as `us-east-1`,
/// `us-gov-west-1` or `cn-northwest-1`. Anything else would only surface as an SDK
/// request-construction error.
pub fn validate_region(region: &str, source: &str) -> Result<()> {
    let shape_ok = !region.is_empty()
        && region.len() <= 40
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && region.contains('-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if shape_ok {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{source} `{}` is not an AWS region name",
        region.escape_debug()
    ))
    .with_hint("a region looks like us-east-1 or eu-west-2: lowercase letters, digits and dashes"))
}

/// ECR account IDs are exactly 12 digits.
pub fn validate_account_id(id: &str) -> Result<()> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(
            CliError::usage(format!("--registry-id `{id}` is not an AWS account ID"))
                .with_hint("an account ID is 12 digits, e.g. 123456789012"),
        )
    }
}

/// An http(s) URL with a host and no spaces; `source` names where it came from.
pub fn validate_endpoint_url(text: &str, source: &str) -> Result<String> {
    let shown = without_userinfo(text);
    let bad = |why: &str| {
        CliError::usage(format!(
            "{source} `{}` is not an http(s) URL",
            shown.escape_debug()
        ))
        .with_cause(why.to_string())
        .with_hint(
            "give a URL such as https://ecr.us-east-1.amazonaws.com or http://127.0.0.1:5000",
        )
    };
    if !text.is_ascii() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it holds spaces, control or non-ASCII characters"));
    }
    let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme is not http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "it holds a user name or password; AWS credentials come from the credential chain",
        ));
    }
    Ok(text.trim_end_matches('/').to_string())
}

/// `scheme://user:pw@host…` shown as `scheme://***@host…`, so an error never echoes a
/// password typed into a URL.
fn without_userinfo(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_lowercase_names_with_dashes() {
        for good in [
            "us-east-1",
            "us-gov-west-1",
            "cn-northwest-1",
            "eu-isoe-west-1",
        ] {
            assert!(validate_region(good, "--region").is_ok(), "{good}");
        }
        for bad in [
            "",
            "us east 1",
            "US-EAST-1",
            "us-east-1/",
            "ús-east-1",
            "useast1",
            "-us",
        ] {
            let err = validate_region(bad, "--region").unwrap_err();
            assert_eq!(err.exit_code().code(), 2, "{bad}");
        }
    }

    #[test]
    fn endpoint_urls_need_a_scheme_and_a_host() {
        let ok = |u| validate_endpoint_url(u, "x");
        assert_eq!(
            ok("http://127.0.0.1:5000/").unwrap(),
            "http://127.0.0.1:5000"
        );
        assert!(ok("https://ecr.us-east-1.amazonaws.com").is_ok());
        assert!(ok("127.0.0.1:5000").is_err());
        assert!(ok("https://").is_err());
        assert!(ok("http://exa mple.com").is_err());
        for bad in [
            "http://[::1",
            "http://127.0.0.1:99999",
            "http://:80",
            "ftp://x",
        ] {
            assert_eq!(ok(bad).unwrap_err().exit_code().code(), 2, "{bad}");
        }
        let err = ok("http://user:hunter2@127.0.0.1:5000").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(ok("http://ex\u{e1}mple.com").is_err());
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(validate_account_id("123456789012").is_ok());
        assert!(validate_account_id("12345678901").is_err());
        assert!(validate_account_id("12345678901a").is_err());
    }

    #[test]
    fn a_command_taking_one_region_refuses_two() {
        let aws = AwsSettings {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            ..AwsSettings::default()
        };
        assert_eq!(aws.region().unwrap_err().exit_code().code(), 2);
    }
}
