//! EKS, read-only: who pulls for a managed node group (its node IAM role) and what the
//! nodes run (the AMI type says the CPU architecture).

use super::{AwsContext, error_code, sdk_error};
use crate::error::{CliError, Result};

/// What pull-check needs of a managed node group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeGroup {
    /// The node IAM role ARN: kubelet pulls images with it.
    pub node_role: String,
    /// `AL2_x86_64`, `AL2023_ARM_64_STANDARD`, `BOTTLEROCKET_ARM_64`… when EKS says.
    pub ami_type: Option<String>,
}

fn client(ctx: &AwsContext) -> aws_sdk_eks::Client {
    let config = aws_sdk_eks::config::Builder::from(&ctx.sdk)
        .region(aws_config::Region::new(ctx.region.clone()))
        .build();
    aws_sdk_eks::Client::from_conf(config)
}

/// DescribeNodegroup for `cluster`/`nodegroup`.
pub async fn node_group(ctx: &AwsContext, cluster: &str, nodegroup: &str) -> Result<NodeGroup> {
    let out = client(ctx)
        .describe_nodegroup()
        .cluster_name(cluster)
        .nodegroup_name(nodegroup)
        .send()
        .await;
    let out = match out {
        Ok(out) => out,
        Err(e) if error_code(&e) == Some("ResourceNotFoundException") => {
            return Err(CliError::usage(format!(
                "EKS node group `{cluster}/{nodegroup}` does not exist in {}",
                ctx.region
            ))
            .with_hint(format!(
                "list them with `aws eks list-nodegroups --cluster-name {cluster} --region {}`; pass --region-of-consumer for another region",
                ctx.region
            )));
        }
        Err(e) => {
            return Err(sdk_error(
                format!("could not read EKS node group `{cluster}/{nodegroup}`"),
                e,
            ));
        }
    };
    let group = out.nodegroup().ok_or_else(|| {
        CliError::remote(format!(
            "EKS described no node group `{cluster}/{nodegroup}`"
        ))
    })?;
    let node_role = group.node_role().map(String::from).ok_or_else(|| {
        CliError::remote(format!(
            "EKS node group `{cluster}/{nodegroup}` has no node role"
        ))
    })?;
    Ok(NodeGroup {
        node_role,
        ami_type: group.ami_type().map(|t| t.as_str().to_string()),
    })
}
