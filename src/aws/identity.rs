//! Who the caller is: the account of the credentials (STS GetCallerIdentity, which needs
//! no IAM permission), to know which registry is "this" one when --registry-id is absent.

use super::{AwsContext, sdk_error};
use crate::error::{CliError, Result};

/// The registry's account: `--registry-id`, or the caller's own account.
pub async fn registry_account(ctx: &AwsContext) -> Result<String> {
    if let Some(id) = &ctx.registry_id {
        return Ok(id.clone());
    }
    let sts = aws_sdk_sts::Client::new(&ctx.sdk);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("could not find the AWS account of the credentials", e))?;
    out.account().map(String::from).ok_or_else(|| {
        CliError::remote("could not find the AWS account of the credentials")
            .with_cause("GetCallerIdentity returned no account")
            .with_hint("pass --registry-id ACCOUNT")
    })
}

/// Who the credentials are: (ARN, account) from STS GetCallerIdentity.
#[allow(dead_code)] // pull-check's command (lands with the IAM adapter)
pub async fn caller(ctx: &AwsContext) -> Result<(String, String)> {
    let sts = aws_sdk_sts::Client::new(&ctx.sdk);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| sdk_error("could not find who the AWS credentials are", e))?;
    match (out.arn(), out.account()) {
        (Some(arn), Some(account)) => Ok((arn.to_string(), account.to_string())),
        _ => Err(
            CliError::remote("could not find who the AWS credentials are")
                .with_cause("GetCallerIdentity returned no ARN or account"),
        ),
    }
}
