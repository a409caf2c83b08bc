//! Turns SDK errors into `CliError`s: the ECR error name and message, plus a hint saying
//! what to do. Never formats a request or response with `{:?}` (they can hold tokens).

use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};

use crate::error::{CliError, FailureKind};

/// The ECR error code of a service error (e.g. `RepositoryNotFoundException`), if any.
pub fn error_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    err.as_service_error().and_then(|e| e.code())
}

/// Describes a failed call. `what` says what we were doing, e.g. "could not create `app`".
pub fn sdk_error<E, R>(what: impl Into<String>, err: SdkError<E, R>) -> CliError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let base = CliError::remote(what);
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("UnknownError");
            let message = e.message().unwrap_or("no message");
            let error = base.with_cause(format!("{code}: {message}"));
            match hint_for_code(code) {
                Some(hint) => error.with_hint(hint),
                None => error,
            }
        }
        SdkError::TimeoutError(_) => base
            .with_kind(FailureKind::Timeout)
            .with_cause("the request timed out (ECRCTL_HTTP_TIMEOUT per attempt)")
            .with_hint("check network access to the ECR API endpoint, then retry"),
        SdkError::DispatchFailure(dispatch) => {
            let detail = crate::error::display_chain(&err);
            let hint = if dispatch.is_timeout() {
                "the ECR API did not answer in time: check the network, proxy or VPC endpoint"
            } else {
                "could not reach the ECR API: check the network, HTTPS_PROXY, --endpoint-url / \
                 AWS_ENDPOINT_URL, or the VPC interface endpoint com.amazonaws.REGION.ecr.api"
            };
            let error = base.with_cause(detail).with_hint(hint);
            match dispatch.is_timeout() {
                true => error.with_kind(FailureKind::Timeout),
                false => error,
            }
        }
        _ => base.with_cause(crate::error::display_chain(&err)),
    }
}

/// What to do about an ECR error, by its code.
fn hint_for_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "RepositoryNotFoundException" => {
            "ECR needs a repository before a push: create it with `ecrctl repo create NAME` \
             (and check --region / --registry-id)"
        }
        "AccessDeniedException" | "AccessDenied" => {
            "the AWS identity lacks an IAM permission for this call: check it with \
             `aws sts get-caller-identity` and its policies"
        }
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch" => {
            "the AWS credentials are not valid here: check the access key, profile and region"
        }
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            "the AWS session has expired: refresh it (e.g. `aws sso login`) and retry"
        }
        "ThrottlingException" | "TooManyRequestsException" => {
            "ECR kept throttling after retries: lower --jobs, or retry later"
        }
        "LimitExceededException" => {
            "an ECR quota was reached: see Service Quotas for Amazon ECR in this region"
        }
        "KmsException" => {
            "ECR could not use the KMS key: check it exists in this region and its key policy \
             allows ECR"
        }
        "InvalidParameterException" | "ValidationException" => {
            "ECR rejected a parameter: check the names, documents and flags given"
        }
        "InvalidTagParameterException" | "TooManyTagsException" => {
            "tags: keys 1-128 chars, values 0-256 chars, at most 50 tags, no `aws:` prefix"
        }
        "LifecyclePolicyNotFoundException" => "the repository has no lifecycle policy",
        "RepositoryPolicyNotFoundException" => "the repository has no repository policy",
        "ServerException" | "InternalFailure" | "ServiceUnavailable" => {
            "ECR had an internal error even after retries: retry later"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_have_hints_and_unknown_ones_do_not() {
        assert!(
            hint_for_code("RepositoryNotFoundException")
                .unwrap()
                .contains("repo create")
        );
        assert!(hint_for_code("SomethingNew").is_none());
    }
}
