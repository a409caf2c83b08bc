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

/// Who is calling, as the token cache keys it: the first 16 hex digits of the SHA-256 of
/// the credentials' access key id (as amazon-ecr-credential-helper does), never the key id
/// itself. Resolving credentials is local for keys, profiles and SSO caches, so a warm
/// cache still makes no AWS call; other keys (another account, an assumed role's session)
/// give another fingerprint, so their logins never share a token.
pub async fn credentials_fingerprint(
    sdk: &aws_config::SdkConfig,
    profile: Option<&str>,
) -> Result<String> {
    use aws_credential_types::provider::ProvideCredentials;
    let resolved = match sdk.credentials_provider() {
        Some(provider) => provider.provide_credentials().await.ok(),
        None => None,
    };
    match resolved {
        Some(credentials) => Ok(fingerprint(credentials.access_key_id())),
        None => {
            // The same lookup again, for its precise error and hint.
            super::ensure_credentials(sdk, profile).await?;
            Err(CliError::remote("could not load AWS credentials"))
        }
    }
}

/// The cache's fingerprint of an access key id.
pub fn fingerprint(access_key_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(access_key_id.as_bytes());
    hex::encode(digest)[..16].to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_hide_the_key_and_tell_keys_apart() {
        let a = super::fingerprint("AKIAEXAMPLEKEY000001");
        assert_eq!(a.len(), 16);
        assert!(!a.contains("AKIA"));
        assert_ne!(a, super::fingerprint("AKIAEXAMPLEKEY000002"));
        assert_eq!(a, super::fingerprint("AKIAEXAMPLEKEY000001"));
    }
}
