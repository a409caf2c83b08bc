//! Sends `"scanOnPush": false` explicitly.
//!
//! The generated SDK serializer omits boolean members that are `false` (their modelled
//! default), so turning scan-on-push off sends `"imageScanningConfiguration": {}`. ECR
//! reads that as false, but ECR stand-ins (moto, LocalStack) read it as "no change" and
//! the repository silently keeps scanning on. Spelling the value out is valid for all.

use aws_sdk_ecr::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_types::body::SdkBody;

const OMITTED: &[u8] = br#""imageScanningConfiguration":{}"#;
const EXPLICIT: &[u8] = br#""imageScanningConfiguration":{"scanOnPush":false}"#;

#[derive(Debug)]
pub struct ExplicitScanOnPushFalse;

impl Intercept for ExplicitScanOnPushFalse {
    fn name(&self) -> &'static str {
        "ExplicitScanOnPushFalse"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let Some(body) = request.body().bytes().and_then(rewrite) else {
            return Ok(());
        };
        request
            .headers_mut()
            .insert("content-length", body.len().to_string());
        *request.body_mut() = SdkBody::from(body);
        Ok(())
    }
}

fn rewrite(body: &[u8]) -> Option<Vec<u8>> {
    let at = body.windows(OMITTED.len()).position(|w| w == OMITTED)?;
    let mut out = Vec::with_capacity(body.len() + EXPLICIT.len() - OMITTED.len());
    out.extend_from_slice(&body[..at]);
    out.extend_from_slice(EXPLICIT);
    out.extend_from_slice(&body[at + OMITTED.len()..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_empty_scanning_configuration_is_rewritten() {
        let body = br#"{"repositoryName":"a","imageScanningConfiguration":{}}"#;
        assert_eq!(
            rewrite(body).unwrap(),
            br#"{"repositoryName":"a","imageScanningConfiguration":{"scanOnPush":false}}"#.to_vec()
        );
        assert!(rewrite(br#"{"imageScanningConfiguration":{"scanOnPush":true}}"#).is_none());
    }
}
