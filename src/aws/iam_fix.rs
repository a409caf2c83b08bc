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
    let text = super::iam::decode_document(encoded).map_err(|why| {
        CliError::remote(format!(
            "{policy_arn} {version}: the document does not decode"
        ))
        .with_cause(why)
    })?;
    // Pretty-printed when it is JSON (it always is), so a dry run shows it readably.
    Ok(serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(text))
}
