//! The registry's replication configuration (DescribeRegistry), as plain rules.

use super::{AwsContext, sdk_error};
use crate::error::Result;

/// One replication rule: where it copies to and which repositories it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationRule {
    /// (region, registry account) of each destination.
    pub destinations: Vec<(String, String)>,
    /// `PREFIX_MATCH` prefixes; empty: every repository.
    pub prefixes: Vec<String>,
    /// Filters of another type this version does not know (judged as "cannot tell").
    pub unknown_filters: Vec<String>,
}

/// The replication rules of the context's registry (empty: none configured).
pub async fn rules(ctx: &AwsContext) -> Result<Vec<ReplicationRule>> {
    let out = ctx
        .ecr
        .describe_registry()
        .send()
        .await
        .map_err(|e| sdk_error("could not read the registry's replication configuration", e))?;
    let Some(config) = out.replication_configuration() else {
        return Ok(Vec::new());
    };
    Ok(config
        .rules()
        .iter()
        .map(|rule| {
            let mut prefixes = Vec::new();
            let mut unknown_filters = Vec::new();
            for f in rule.repository_filters() {
                match f.filter_type().as_str() {
                    "PREFIX_MATCH" => prefixes.push(f.filter().to_string()),
                    other => unknown_filters.push(format!("{other} {}", f.filter())),
                }
            }
            ReplicationRule {
                destinations: rule
                    .destinations()
                    .iter()
                    .map(|d| (d.region().to_string(), d.registry_id().to_string()))
                    .collect(),
                prefixes,
                unknown_filters,
            }
        })
        .collect())
}
