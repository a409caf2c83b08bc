//! IAM writes for `pull-check --fix`: attach an AWS managed policy to a role, and read a
//! managed policy's document to show what attaching it grants.

use super::{AwsContext, sdk_error};
use crate::error::{CliError, Result};

fn client(ctx: &AwsContext) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&ctx.sdk)
}

/// AttachRolePolicy.
pub async fn attach_role_policy(ctx: &AwsContext, role: &str, policy_arn: &str) -> Result<()> {
    client(ctx)
        .attach_role_policy()
        .role_name(role)
        .policy_arn(policy_arn)
        .send()
        .await
        .map_err(|e| sdk_error(format!("could not attach {policy_arn} to role {role}"), e))?;
    Ok(())
}

/// The default version's document of a managed policy (GetPolicy + GetPolicyVersion),
/// URL-decoded as IAM returns it encoded.
pub async fn managed_policy_document(ctx: &AwsContext, policy_arn: &str) -> Result<String> {
    let iam = client(ctx);
    let policy = iam
        .get_policy()
        .policy_arn(policy_arn)
        .send()
        .await
        .map_err(|e| sdk_error(format!("could not read {policy_arn}"), e))?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or_else(|| CliError::remote(format!("{policy_arn} has no default version")))?;
    let out = iam
        .get_policy_version()
        .policy_arn(policy_arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| sdk_error(format!("could not read {policy_arn} {version}"), e))?;
    let encoded = out
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| CliError::remote(format!("{policy_arn} {version} has no document")))?;
    let text = percent_decode(encoded);
    // Pretty-printed when it is JSON (it always is), so a dry run shows it readably.
    Ok(serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(text))
}

/// RFC 3986 percent-decoding (IAM encodes policy documents so; `+` stays `+`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn documents_are_percent_decoded_and_plus_stays() {
        assert_eq!(
            super::percent_decode("%7B%22a%22%3A%22b+c%22%7D"),
            "{\"a\":\"b+c\"}"
        );
        assert_eq!(super::percent_decode("{\"a\": 1}"), "{\"a\": 1}");
        assert_eq!(super::percent_decode("100%"), "100%");
    }
}
