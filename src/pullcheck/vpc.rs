//! `pull-check --vpc VPC_ID [--subnet ID]…`: validates the ids, reads the VPC through
//! `aws::ec2` and runs the pure engine in `network`. A VPC that could not be read gives
//! checks that could not run (exit 3 unless something else fails), never "ok".

use super::check::{Check, CheckId};
use super::network::{NetworkQuery, network_checks};
use crate::aws::AwsContext;
use crate::error::{CliError, Result};

/// The checks `--vpc` adds, in report order.
const IDS: [CheckId; 4] = [
    CheckId::Vpc,
    CheckId::EndpointEcrApi,
    CheckId::EndpointEcrDkr,
    CheckId::EndpointS3,
];

/// `vpc-…` / `subnet-…` followed by 8 or 17 hex digits, as EC2 names them.
fn is_ec2_id(prefix: &str, id: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Checks the flags' shape before any AWS call (bad input: exit 2, nothing read).
pub fn validate(vpc_id: &str, subnet_ids: &[String]) -> Result<()> {
    if !is_ec2_id("vpc-", vpc_id) {
        return Err(CliError::usage(format!("--vpc `{vpc_id}` is not a VPC id"))
            .with_hint("pass an id like vpc-0a1b2c3d4e5f67890 (`aws ec2 describe-vpcs`)"));
    }
    if let Some(bad) = subnet_ids.iter().find(|s| !is_ec2_id("subnet-", s)) {
        return Err(
            CliError::usage(format!("--subnet `{bad}` is not a subnet id"))
                .with_hint("pass an id like subnet-0a1b2c3d4e5f67890, once per subnet"),
        );
    }
    Ok(())
}

/// Reads the VPC and judges it. `registry_region` is the region of the image's registry;
/// the VPC is read in the configured region (`--region`).
pub async fn checks(
    ctx: &AwsContext,
    vpc_id: &str,
    subnet_ids: &[String],
    registry_region: &str,
) -> Result<Vec<Check>> {
    let network = match crate::aws::ec2::read_vpc(ctx, vpc_id).await {
        Ok(Some(network)) => network,
        Ok(None) => {
            return Err(CliError::usage(format!(
                "VPC `{vpc_id}` does not exist in {}",
                ctx.region
            ))
            .with_hint(format!(
                "check the id and the region: `aws ec2 describe-vpcs --region {} --query \
                 Vpcs[].VpcId` (the VPC is read in the consumer's region: \
                 --region-of-consumer, else --region)",
                ctx.region
            )));
        }
        Err(err) => {
            let error = crate::error::display_chain(&err);
            let what = format!("could not read VPC `{vpc_id}`: {}", err.message());
            return Ok(IDS
                .iter()
                .map(|id| Check::could_not_check(*id, what.clone(), error.clone()))
                .collect());
        }
    };
    let unknown: Vec<&String> = subnet_ids
        .iter()
        .filter(|id| network.subnet(id).is_none())
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = network.subnets.iter().map(|s| s.id.as_str()).collect();
        return Err(CliError::usage(format!(
            "--subnet {} is not a subnet of `{vpc_id}`",
            unknown
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_hint(match known.is_empty() {
            true => format!("`{vpc_id}` has no subnets"),
            false => format!("its subnets: {}", known.join(", ")),
        }));
    }
    Ok(network_checks(&NetworkQuery {
        network: &network,
        registry_region,
        vpc_region: &ctx.region,
        subnet_ids,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_any_call() {
        assert!(validate("vpc-0a1b2c3d4e5f67890", &[]).is_ok());
        assert!(validate("vpc-1a2b3c4d", &["subnet-0a1b2c3d4e5f67890".into()]).is_ok());
        let bad = validate("my-vpc", &[]).unwrap_err();
        assert_eq!(bad.exit_code().code(), 2);
        assert!(bad.message().contains("`my-vpc`"));
        let bad = validate("vpc-1a2b3c4d", &["sg-1a2b3c4d".into()]).unwrap_err();
        assert!(bad.message().contains("--subnet `sg-1a2b3c4d`"));
        assert!(validate("vpc-1a2b3c4g", &[]).is_err());
    }
}
