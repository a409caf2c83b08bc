//! EC2, read-only, for `pull-check --vpc`: one VPC's DNS attributes, subnets, route tables,
//! VPC endpoints and the security groups of its interface endpoints, all pages, as
//! `model::network::VpcNetwork`.
//!
//! Why aws-sdk-ec2 and not a hand-signed Query call: measured with `cargo build --timings`
//! on this 2-core machine (others compiling too), the crate alone takes 181 s of debug
//! build, overlapping our own crate's compile (its metadata is ready after ~100 s): about
//! 3 minutes more on a cold CI run of ~7, far below the 40-minute bound, and nothing on
//! incremental builds. A hand-written SigV4 + XML client would duplicate the endpoint,
//! credential, retry, timeout and error handling every other AWS call here gets from
//! `aws/config.rs` and `aws/errors.rs`.

use aws_sdk_ec2::types::{Filter, RouteState, VpcAttributeName, VpcEndpointType};

use super::{AwsContext, error_code, sdk_error};
use crate::error::{CliError, Result};
use crate::model::network::{
    EndpointType, IngressRule, Route, RouteTable, RouteTarget, SecurityGroup, Subnet, VpcEndpoint,
    VpcNetwork,
};

fn client(ctx: &AwsContext) -> aws_sdk_ec2::Client {
    let config = aws_sdk_ec2::config::Builder::from(&ctx.sdk)
        .region(aws_config::Region::new(ctx.region.clone()))
        .build();
    aws_sdk_ec2::Client::from_conf(config)
}

fn vpc_filter(vpc_id: &str) -> Filter {
    Filter::builder().name("vpc-id").values(vpc_id).build()
}

/// A failed EC2 call, with the hint EC2's own error codes need.
fn ec2_error<E, R>(what: String, err: aws_sdk_ec2::error::SdkError<E, R>) -> CliError
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let denied = error_code(&err) == Some("UnauthorizedOperation");
    let error = sdk_error(what, err);
    match denied {
        true => error.with_hint(
            "the AWS identity may not read the VPC: it needs ec2:DescribeVpcs, \
             ec2:DescribeVpcAttribute, ec2:DescribeSubnets, ec2:DescribeRouteTables, \
             ec2:DescribeVpcEndpoints and ec2:DescribeSecurityGroups",
        ),
        false => error,
    }
}

/// Reads `vpc_id` in the configured region. `Ok(None)` when EC2 says no such VPC.
pub async fn read_vpc(ctx: &AwsContext, vpc_id: &str) -> Result<Option<VpcNetwork>> {
    let ec2 = client(ctx);
    let vpcs = match ec2.describe_vpcs().vpc_ids(vpc_id).send().await {
        Ok(out) => out,
        Err(err) if error_code(&err) == Some("InvalidVpcID.NotFound") => return Ok(None),
        Err(err) => {
            return Err(ec2_error(format!("could not read VPC `{vpc_id}`"), err));
        }
    };
    let Some(vpc) = vpcs.vpcs().iter().find(|v| v.vpc_id() == Some(vpc_id)) else {
        return Ok(None);
    };
    let mut cidr_blocks: Vec<String> = vpc
        .cidr_block_association_set()
        .iter()
        .filter_map(|a| a.cidr_block().map(String::from))
        .collect();
    if cidr_blocks.is_empty() {
        cidr_blocks.extend(vpc.cidr_block().map(String::from));
    }
    let dns_support = dns_attribute(&ec2, vpc_id, VpcAttributeName::EnableDnsSupport).await?;
    let dns_hostnames = dns_attribute(&ec2, vpc_id, VpcAttributeName::EnableDnsHostnames).await?;
    let subnets = subnets(&ec2, vpc_id).await?;
    let route_tables = route_tables(&ec2, vpc_id).await?;
    let endpoints = endpoints(&ec2, vpc_id).await?;
    let security_groups = security_groups(&ec2, &endpoints).await;
    Ok(Some(VpcNetwork {
        vpc_id: vpc_id.to_string(),
        cidr_blocks,
        dns_support,
        dns_hostnames,
        subnets,
        route_tables,
        endpoints,
        security_groups,
    }))
}

/// One DNS attribute; `None` when the answer does not carry it.
async fn dns_attribute(
    ec2: &aws_sdk_ec2::Client,
    vpc_id: &str,
    attribute: VpcAttributeName,
) -> Result<Option<bool>> {
    let name = attribute.as_str().to_string();
    let out = ec2
        .describe_vpc_attribute()
        .vpc_id(vpc_id)
        .attribute(attribute.clone())
        .send()
        .await
        .map_err(|e| ec2_error(format!("could not read {name} of VPC `{vpc_id}`"), e))?;
    let value = match attribute {
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        _ => out.enable_dns_hostnames(),
    };
    Ok(value.and_then(|v| v.value()))
}

async fn subnets(ec2: &aws_sdk_ec2::Client, vpc_id: &str) -> Result<Vec<Subnet>> {
    let mut pages = ec2
        .describe_subnets()
        .filters(vpc_filter(vpc_id))
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| ec2_error(format!("could not list the subnets of `{vpc_id}`"), e))?;
        for s in page.subnets() {
            let Some(id) = s.subnet_id() else { continue };
            found.push(Subnet {
                id: id.to_string(),
                availability_zone: s.availability_zone().unwrap_or_default().to_string(),
                cidr_block: s.cidr_block().map(String::from),
            });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

async fn route_tables(ec2: &aws_sdk_ec2::Client, vpc_id: &str) -> Result<Vec<RouteTable>> {
    let mut pages = ec2
        .describe_route_tables()
        .filters(vpc_filter(vpc_id))
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| ec2_error(format!("could not list the route tables of `{vpc_id}`"), e))?;
        for t in page.route_tables() {
            let Some(id) = t.route_table_id() else {
                continue;
            };
            let associations = t.associations();
            found.push(RouteTable {
                id: id.to_string(),
                main: associations.iter().any(|a| a.main() == Some(true)),
                subnet_ids: associations
                    .iter()
                    .filter_map(|a| a.subnet_id().map(String::from))
                    .collect(),
                routes: t.routes().iter().filter_map(route).collect(),
            });
        }
    }
    Ok(found)
}

fn route(r: &aws_sdk_ec2::types::Route) -> Option<Route> {
    let destination = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())?
        .to_string();
    let target = if let Some(nat) = r.nat_gateway_id() {
        RouteTarget::NatGateway(nat.to_string())
    } else if let Some(gw) = r.gateway_id() {
        match gw {
            "local" => RouteTarget::Local,
            g if g.starts_with("igw-") => RouteTarget::InternetGateway(g.to_string()),
            g if g.starts_with("vpce-") => RouteTarget::VpcEndpoint(g.to_string()),
            g => RouteTarget::Other(g.to_string()),
        }
    } else {
        let other = r
            .transit_gateway_id()
            .or(r.vpc_peering_connection_id())
            .or(r.network_interface_id())
            .or(r.instance_id())
            .or(r.egress_only_internet_gateway_id())
            .or(r.local_gateway_id())
            .or(r.carrier_gateway_id())
            .or(r.core_network_arn())
            .unwrap_or("unknown target");
        RouteTarget::Other(other.to_string())
    };
    Some(Route {
        destination,
        target,
        active: r.state() != Some(&RouteState::Blackhole),
    })
}

async fn endpoints(ec2: &aws_sdk_ec2::Client, vpc_id: &str) -> Result<Vec<VpcEndpoint>> {
    let mut pages = ec2
        .describe_vpc_endpoints()
        .filters(vpc_filter(vpc_id))
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| ec2_error(format!("could not list the VPC endpoints of `{vpc_id}`"), e))?;
        for e in page.vpc_endpoints() {
            let Some(id) = e.vpc_endpoint_id() else {
                continue;
            };
            found.push(VpcEndpoint {
                id: id.to_string(),
                service_name: e.service_name().unwrap_or_default().to_string(),
                endpoint_type: match e.vpc_endpoint_type() {
                    Some(VpcEndpointType::Interface) => EndpointType::Interface,
                    Some(VpcEndpointType::Gateway) => EndpointType::Gateway,
                    Some(other) => EndpointType::Other(other.as_str().to_string()),
                    None => EndpointType::Other("unknown".into()),
                },
                state: e
                    .state()
                    .map(|s| s.as_str())
                    .unwrap_or("unknown")
                    .to_string(),
                private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
                subnet_ids: e.subnet_ids().to_vec(),
                route_table_ids: e.route_table_ids().to_vec(),
                security_group_ids: e
                    .groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(String::from))
                    .collect(),
            });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(found)
}

/// The security groups of the interface endpoints. A failure here is kept as the reason
/// (the endpoint checks then say "not checked") rather than failing the whole read.
async fn security_groups(
    ec2: &aws_sdk_ec2::Client,
    endpoints: &[VpcEndpoint],
) -> std::result::Result<Vec<SecurityGroup>, String> {
    let mut ids: Vec<String> = endpoints
        .iter()
        .filter(|e| e.endpoint_type == EndpointType::Interface)
        .flat_map(|e| e.security_group_ids.iter().cloned())
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut pages = ec2
        .describe_security_groups()
        .set_group_ids(Some(ids))
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            use aws_sdk_ec2::error::ProvideErrorMetadata;
            match e.as_service_error() {
                Some(service) => format!(
                    "{}: {}",
                    service.code().unwrap_or("UnknownError"),
                    service.message().unwrap_or("no message")
                ),
                None => crate::error::display_chain(&e),
            }
        })?;
        for g in page.security_groups() {
            let Some(id) = g.group_id() else { continue };
            found.push(SecurityGroup {
                id: id.to_string(),
                ingress: g
                    .ip_permissions()
                    .iter()
                    .map(|p| IngressRule {
                        protocol: p.ip_protocol().unwrap_or_default().to_string(),
                        from_port: p.from_port(),
                        to_port: p.to_port(),
                        cidrs: p
                            .ip_ranges()
                            .iter()
                            .filter_map(|r| r.cidr_ip().map(String::from))
                            .collect(),
                        other_sources: p
                            .user_id_group_pairs()
                            .iter()
                            .filter_map(|u| u.group_id().map(String::from))
                            .chain(
                                p.prefix_list_ids()
                                    .iter()
                                    .filter_map(|l| l.prefix_list_id().map(String::from)),
                            )
                            .chain(
                                p.ipv6_ranges()
                                    .iter()
                                    .filter_map(|r| r.cidr_ipv6().map(String::from)),
                            )
                            .collect(),
                    })
                    .collect(),
            });
        }
    }
    Ok(found)
}
