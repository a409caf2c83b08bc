//! `pull-check` with no who-flag: when the caller's own IAM cannot be read, the caller's
//! pull permissions are tried instead of evaluated — the two read-only calls a pull starts
//! with (GetAuthorizationToken, BatchGetImage of the manifest). Nothing is changed.

use aws_sdk_ecr::types::ImageIdentifier;

use super::{AwsContext, error_code, sdk_error};
use crate::error::CliError;

/// What one tried call answered.
#[derive(Debug)]
pub enum Tried {
    /// The call succeeded: these credentials are allowed it.
    Allowed,
    /// AccessDenied: the call is not allowed (the message ECR gave).
    Denied(String),
    /// Anything else (network, throttling, a missing image): nothing is known.
    Failed(CliError),
}

fn denied(code: Option<&str>) -> bool {
    matches!(code, Some("AccessDeniedException" | "AccessDenied"))
}

/// GetAuthorizationToken for the registry. The token itself is dropped at once.
pub async fn authorization_token(ctx: &AwsContext) -> Tried {
    match ctx.ecr.get_authorization_token().send().await {
        Ok(_) => Tried::Allowed,
        Err(e) if denied(error_code(&e)) => Tried::Denied(
            aws_sdk_ecr::error::ProvideErrorMetadata::message(&e)
                .unwrap_or("AccessDenied")
                .to_string(),
        ),
        Err(e) => Tried::Failed(sdk_error("could not call ecr:GetAuthorizationToken", e)),
    }
}

/// BatchGetImage of one digest in `repository` (the manifest a pull reads first).
pub async fn batch_get_image(ctx: &AwsContext, repository: &str, digest: &str) -> Tried {
    let result = ctx
        .ecr
        .batch_get_image()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .image_ids(ImageIdentifier::builder().image_digest(digest).build())
        .send()
        .await;
    match result {
        Ok(out) => match out.failures().first() {
            None if !out.images().is_empty() => Tried::Allowed,
            failure => Tried::Failed(
                CliError::remote(format!(
                    "ecr:BatchGetImage returned no manifest for {repository}@{digest}"
                ))
                .with_cause(
                    failure
                        .and_then(|f| f.failure_reason())
                        .unwrap_or("no image and no failure reason")
                        .to_string(),
                ),
            ),
        },
        Err(e) if denied(error_code(&e)) => Tried::Denied(
            aws_sdk_ecr::error::ProvideErrorMetadata::message(&e)
                .unwrap_or("AccessDenied")
                .to_string(),
        ),
        Err(e) => Tried::Failed(sdk_error(
            format!("could not call ecr:BatchGetImage on {repository}"),
            e,
        )),
    }
}
