//! ECR's own clock: the `Date` header of an ECR answer. ECR evaluates a lifecycle
//! preview at its time, not the caller's, so a comparison with ECR's preview evaluates
//! locally as of this instant (a skewed laptop clock would otherwise show differences for
//! every `sinceImagePushed` rule near its boundary).

use std::sync::{Arc, Mutex};

use aws_sdk_ecr::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;

use super::{AwsContext, sdk_error};
use crate::error::{CliError, Result};
use crate::model::image::Micros;

/// Keeps the `Date` header of the answer it sees.
#[derive(Debug, Clone, Default)]
struct DateHeader(Arc<Mutex<Option<String>>>);

impl Intercept for DateHeader {
    fn name(&self) -> &'static str {
        "DateHeader"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(date) = context.response().headers().get("date") {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(date.to_string());
        }
        Ok(())
    }
}

/// The time ECR reports in the answer to reading `repository`'s lifecycle preview (the
/// call that says it is complete): its `Date` header.
pub async fn preview_time(ctx: &AwsContext, repository: &str) -> Result<Micros> {
    let seen = DateHeader::default();
    ctx.ecr
        .get_lifecycle_policy_preview()
        .set_registry_id(ctx.registry_id.clone())
        .repository_name(repository)
        .max_results(1)
        .customize()
        .interceptor(seen.clone())
        .send()
        .await
        .map_err(|e| sdk_error("could not read ECR's time", e))?;
    let header = seen.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let header = header.ok_or_else(|| CliError::remote("ECR's answer has no Date header"))?;
    parse_http_date(&header)
}

/// An HTTP `Date` (RFC 9110 IMF-fixdate, or the obsolete forms) as microseconds.
pub fn parse_http_date(text: &str) -> Result<Micros> {
    let at = httpdate::parse_http_date(text).map_err(|e| {
        CliError::remote("ECR's Date header is not an HTTP date").with_cause(e.to_string())
    })?;
    let secs = at
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| CliError::remote("ECR's Date header is before 1970"))?
        .as_secs();
    Ok(i64::try_from(secs).unwrap_or(i64::MAX / 1_000_000) * 1_000_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_an_http_date() {
        assert_eq!(
            super::parse_http_date("Sun, 11 Jan 2026 00:00:00 GMT").unwrap(),
            1_768_089_600_000_000
        );
        assert!(super::parse_http_date("yesterday").is_err());
    }
}
