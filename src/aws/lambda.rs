//! Lambda, read-only: the images of every function with `PackageType` `Image`, in every
//! published version as well as `$LATEST` (an alias or a qualified ARN can invoke any of
//! them): `Code.ImageUri` (what was deployed, often a tag) and `Code.ResolvedImageUri`
//! (the digest Lambda runs). All pages.

use futures::stream::{self, StreamExt, TryStreamExt};

use super::{AwsContext, sdk_error};
use crate::error::Result;
use crate::model::workload::ImageUse;

/// Functions read at once.
const JOBS: usize = 8;

fn client(ctx: &AwsContext) -> aws_sdk_lambda::Client {
    let config = aws_sdk_lambda::config::Builder::from(&ctx.sdk)
        .region(aws_config::Region::new(ctx.region.clone()))
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}

/// Every image reference Lambda functions use, with who uses it.
pub async fn images_in_use(ctx: &AwsContext) -> Result<Vec<ImageUse>> {
    let lambda = client(ctx);
    let mut pages = lambda
        .list_functions()
        .function_version(aws_sdk_lambda::types::FunctionVersion::All)
        .into_paginator()
        .send();
    let mut functions = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("could not list the Lambda functions", e))?;
        for f in page.functions() {
            if f.package_type() != Some(&aws_sdk_lambda::types::PackageType::Image) {
                continue;
            }
            if let Some(name) = f.function_name() {
                functions.push((name.to_string(), f.version().map(String::from)));
            }
        }
    }
    let found: Vec<Vec<ImageUse>> = stream::iter(functions)
        .map(|(name, version)| {
            let lambda = &lambda;
            async move {
                let user = match version.as_deref() {
                    None | Some("$LATEST") => format!("Lambda function {name}"),
                    Some(v) => format!("Lambda function {name}:{v}"),
                };
                let out = lambda
                    .get_function()
                    .function_name(&name)
                    .set_qualifier(version)
                    .send()
                    .await
                    .map_err(|e| {
                        sdk_error(format!("could not read Lambda function `{name}`"), e)
                    })?;
                let code = out.code();
                let images = [
                    code.and_then(|c| c.image_uri()),
                    code.and_then(|c| c.resolved_image_uri()),
                ];
                Ok::<_, crate::error::CliError>(
                    images
                        .into_iter()
                        .flatten()
                        .map(|image| ImageUse::new(image, user.clone()))
                        .collect(),
                )
            }
        })
        .buffer_unordered(JOBS)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// What pull-check needs of a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRole {
    pub function_arn: String,
    /// The execution role.
    pub role: String,
    /// `x86_64` / `arm64`.
    pub architectures: Vec<String>,
    pub image_uri: Option<String>,
}

/// GetFunction for `name` (a name, ARN or partial ARN).
pub async fn function_role(ctx: &AwsContext, name: &str) -> Result<FunctionRole> {
    let out = client(ctx).get_function().function_name(name).send().await;
    let out = match out {
        Ok(out) => out,
        Err(e) if super::error_code(&e) == Some("ResourceNotFoundException") => {
            return Err(crate::error::CliError::usage(format!(
                "Lambda function `{name}` does not exist in {}",
                ctx.region
            ))
            .with_hint("pass its name or ARN; --region-of-consumer for another region"));
        }
        Err(e) => {
            return Err(sdk_error(
                format!("could not read Lambda function `{name}`"),
                e,
            ));
        }
    };
    let c = out.configuration().ok_or_else(|| {
        crate::error::CliError::remote(format!("Lambda described no function `{name}`"))
    })?;
    let role = c.role().map(String::from).ok_or_else(|| {
        crate::error::CliError::remote(format!("Lambda function `{name}` has no role"))
    })?;
    Ok(FunctionRole {
        function_arn: c.function_arn().unwrap_or(name).to_string(),
        role,
        architectures: c
            .architectures()
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        image_uri: out.code().and_then(|c| c.image_uri()).map(String::from),
    })
}
