//! `pull-check --vpc`: can the subnets of a VPC reach ECR? Pure: judges what `aws/ec2.rs`
//! read (`model::network`) and returns one check per path a pull takes.
//!
//! A pull from a subnet talks to three services: the ECR API (`api.ecr.REGION…`, for the
//! token), the registry (`ACCOUNT.dkr.ecr.REGION…`, for manifests) and S3 (layers). Each is
//! reached either through a VPC endpoint (interface endpoints `ecr.api` / `ecr.dkr` with
//! private DNS; the S3 gateway endpoint on the subnet's route table) or through the internet
//! (a NAT gateway or internet gateway route). A subnet with neither times out
//! (`dial tcp …:443: i/o timeout`). Once an interface endpoint has working private DNS,
//! every subnet of the VPC resolves the ECR names to it, NAT or not, so its availability
//! zones and security groups matter for all of them.

use crate::model::network::{
    EndpointType, RouteTarget, Subnet, VpcEndpoint, VpcNetwork, cidr_contains,
};

use super::check::{Check, CheckId, Status};

/// What to judge: the VPC as read, the registry's region (the endpoints' service names
/// carry it) and the VPC's region, and the subnets the workload runs in.
#[derive(Debug, Clone, Copy)]
pub struct NetworkQuery<'a> {
    pub network: &'a VpcNetwork,
    pub registry_region: &'a str,
    pub vpc_region: &'a str,
    /// `--subnet`: empty means every subnet of the VPC.
    pub subnet_ids: &'a [String],
}

/// The checks for `--vpc`, in report order: `vpc`, `endpoint-ecr-api`,
/// `endpoint-ecr-dkr`, `endpoint-s3`.
pub fn network_checks(query: &NetworkQuery<'_>) -> Vec<Check> {
    let net = query.network;
    let subnets: Vec<&Subnet> = if query.subnet_ids.is_empty() {
        net.subnets.iter().collect()
    } else {
        query
            .subnet_ids
            .iter()
            .filter_map(|id| net.subnet(id))
            .collect()
    };
    let vpc = vpc_check(query, &subnets);
    if subnets.is_empty() {
        let why = format!("no subnet of `{}` to check", net.vpc_id);
        return vec![
            vpc,
            Check::skipped(CheckId::EndpointEcrApi, why.clone()),
            Check::skipped(CheckId::EndpointEcrDkr, why.clone()),
            Check::skipped(CheckId::EndpointS3, why),
        ];
    }
    let ctx = Ctx {
        query,
        subnets: &subnets,
    };
    vec![
        vpc,
        ctx.interface_check(CheckId::EndpointEcrApi, "ecr.api", "the ECR API (token)"),
        ctx.interface_check(
            CheckId::EndpointEcrDkr,
            "ecr.dkr",
            "the registry (manifests)",
        ),
        ctx.s3_check(),
    ]
}

/// How a subnet reaches the internet, if it does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Egress {
    /// An active default route to a NAT gateway or an internet gateway.
    Internet(String),
    /// A default route to something else (transit gateway, firewall, instance…): maybe.
    Unknown(String),
    None,
}

fn egress(net: &VpcNetwork, subnet: &str) -> Egress {
    let Some(table) = net.route_table_of(subnet) else {
        return Egress::None;
    };
    let mut unknown = None;
    for route in table.routes.iter().filter(|r| r.destination == "0.0.0.0/0") {
        if !route.active {
            continue;
        }
        match &route.target {
            RouteTarget::NatGateway(id) | RouteTarget::InternetGateway(id) => {
                return Egress::Internet(id.clone());
            }
            RouteTarget::Other(id) => unknown = Some(id.clone()),
            RouteTarget::Local | RouteTarget::VpcEndpoint(_) => {}
        }
    }
    unknown.map_or(Egress::None, Egress::Unknown)
}

fn vpc_check(query: &NetworkQuery<'_>, subnets: &[&Subnet]) -> Check {
    let net = query.network;
    if subnets.is_empty() {
        return Check::fail(
            CheckId::Vpc,
            format!("`{}` has no subnets: nothing can run in it", net.vpc_id),
            "pass --vpc the VPC the nodes, tasks or functions run in \
             (e.g. `aws eks describe-cluster --name CLUSTER --query cluster.resourcesVpcConfig`)",
        );
    }
    let mut parts = vec![format!(
        "`{}`: {} subnet(s) checked ({})",
        net.vpc_id,
        subnets.len(),
        subnets
            .iter()
            .map(|s| format!("{} in {}", s.id, s.availability_zone))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    let routes: Vec<String> = subnets
        .iter()
        .map(|s| match egress(net, &s.id) {
            Egress::Internet(via) => format!("{} via {via}", s.id),
            Egress::Unknown(via) => format!("{} via {via} (not checked)", s.id),
            Egress::None => format!("{} none", s.id),
        })
        .collect();
    parts.push(format!("internet route: {}", routes.join(", ")));
    if query.registry_region != query.vpc_region {
        parts.push(format!(
            "the registry is in {} but the VPC in {}: VPC endpoints serve only their own \
             region, so this pull needs an internet route (or peering to a VPC with endpoints in {})",
            query.registry_region, query.vpc_region, query.registry_region
        ));
        return Check::warn(
            CheckId::Vpc,
            parts.join("; "),
            format!(
                "replicate the repository to {} and pull from there (ECR replication), \
                 or keep a NAT route",
                query.vpc_region
            ),
        );
    }
    Check::ok(CheckId::Vpc, parts.join("; "))
}

#[derive(Default)]
struct Split<'a> {
    online: Vec<(&'a Subnet, String)>,
    unknown: Vec<(&'a Subnet, String)>,
    offline: Vec<&'a Subnet>,
}

fn via_list(subnets: &[(&Subnet, String)]) -> String {
    subnets
        .iter()
        .map(|(s, via)| format!("{} via {via}", s.id))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Ctx<'a> {
    query: &'a NetworkQuery<'a>,
    subnets: &'a [&'a Subnet],
}

/// One finding inside a check; a check's status is its worst finding.
struct Finding {
    status: Status,
    reason: String,
    fix: Option<String>,
}

fn compose(id: CheckId, findings: Vec<Finding>) -> Check {
    let worst = findings
        .iter()
        .map(|f| f.status)
        .max()
        .unwrap_or(Status::Ok);
    let reason = findings
        .iter()
        .map(|f| f.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let fixes: Vec<&str> = findings
        .iter()
        .filter(|f| f.status >= Status::Warn)
        .filter_map(|f| f.fix.as_deref())
        .collect();
    let fix = fixes.join("\n");
    let mut check = match worst {
        Status::Ok => Check::ok(id, reason),
        Status::Skipped => Check::skipped(id, reason),
        Status::Warn => Check::warn(id, reason, fix),
        Status::Fail => Check::fail(id, reason, fix),
    };
    if check.fix.as_deref() == Some("") {
        check.fix = None;
    }
    check
}

impl Ctx<'_> {
    fn net(&self) -> &VpcNetwork {
        self.query.network
    }

    fn service(&self, suffix: &str) -> String {
        format!("com.amazonaws.{}.{suffix}", self.query.registry_region)
    }

    fn subnet_list(subnets: &[&Subnet]) -> String {
        subnets
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The subnets with an internet route, with a default route elsewhere (a transit
    /// gateway, a firewall: not followed), and with none.
    fn split_by_egress(&self) -> Split<'_> {
        let mut split = Split::default();
        for s in self.subnets {
            match egress(self.net(), &s.id) {
                Egress::Internet(via) => split.online.push((*s, via)),
                Egress::Unknown(via) => split.unknown.push((*s, via)),
                Egress::None => split.offline.push(*s),
            }
        }
        split
    }

    fn endpoints_of(&self, service: &str, kind: &EndpointType) -> Vec<&VpcEndpoint> {
        let mut found: Vec<&VpcEndpoint> = self
            .net()
            .endpoints
            .iter()
            .filter(|e| e.service_name == service && &e.endpoint_type == kind)
            .collect();
        // Best first: available, then with private DNS.
        found.sort_by_key(|e| (e.state != "available", !e.private_dns_enabled));
        found
    }

    fn create_interface(&self, service: &str) -> String {
        // One subnet per availability zone: an interface endpoint takes at most one each.
        let mut zones = Vec::new();
        let mut ids = Vec::new();
        for s in self.subnets {
            if !zones.contains(&&s.availability_zone) {
                zones.push(&s.availability_zone);
                ids.push(s.id.as_str());
            }
        }
        format!(
            "aws ec2 create-vpc-endpoint --region {} --vpc-id {} --vpc-endpoint-type Interface \
             --service-name {service} --subnet-ids {} --private-dns-enabled",
            self.query.vpc_region,
            self.net().vpc_id,
            ids.join(" ")
        )
    }

    /// The reason a subnet without an internet route cannot use this path, as a FAIL
    /// for the offline subnets, or an ok/warn note when every subnet is online.
    fn without_endpoint(
        &self,
        what: &str,
        problem: String,
        fix: String,
        online_status: Status,
    ) -> Vec<Finding> {
        let Split {
            online,
            unknown,
            offline,
        } = self.split_by_egress();
        if !offline.is_empty() {
            return vec![Finding {
                status: Status::Fail,
                reason: format!(
                    "{problem}, and {} {} no NAT or internet gateway route: {what} is \
                     unreachable there (pulls fail with `dial tcp …:443: i/o timeout`)",
                    Self::subnet_list(&offline),
                    if offline.len() == 1 { "has" } else { "have" },
                ),
                fix: Some(fix),
            }];
        }
        if !unknown.is_empty() {
            return vec![Finding {
                status: Status::Warn,
                reason: format!(
                    "{problem}; {what} must be reached through {} (a default route ecrctl does \
                     not follow)",
                    via_list(&unknown)
                ),
                fix: Some(fix),
            }];
        }
        vec![Finding {
            status: online_status,
            reason: format!(
                "{problem}; {what} is reached over the internet instead ({})",
                via_list(&online)
            ),
            fix: Some(fix),
        }]
    }

    fn interface_check(&self, id: CheckId, suffix: &str, what: &str) -> Check {
        let service = self.service(suffix);
        let net = self.net();
        let found = self.endpoints_of(&service, &EndpointType::Interface);
        let Some(endpoint) = found.first() else {
            return compose(
                id,
                self.without_endpoint(
                    what,
                    format!("no interface endpoint `{service}` in `{}`", net.vpc_id),
                    self.create_interface(&service),
                    Status::Ok,
                ),
            );
        };
        let eid = &endpoint.id;
        if endpoint.state != "available" {
            let fix = match endpoint.state.as_str() {
                "pendingAcceptance" | "pending" => format!(
                    "wait until `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {eid} \
                     --query VpcEndpoints[0].State` says available"
                ),
                _ => format!(
                    "aws ec2 delete-vpc-endpoints --vpc-endpoint-ids {eid}\n{}",
                    self.create_interface(&service)
                ),
            };
            return compose(
                id,
                self.without_endpoint(
                    what,
                    format!(
                        "interface endpoint `{eid}` (`{service}`) is {}",
                        endpoint.state
                    ),
                    fix,
                    Status::Warn,
                ),
            );
        }
        if !endpoint.private_dns_enabled {
            return compose(
                id,
                self.without_endpoint(
                    what,
                    format!(
                        "interface endpoint `{eid}` (`{service}`) has private DNS disabled, so \
                         the ECR host names still resolve to public addresses"
                    ),
                    format!(
                        "aws ec2 modify-vpc-endpoint --region {} --vpc-endpoint-id {eid} \
                         --private-dns-enabled",
                        self.query.vpc_region
                    ),
                    Status::Warn,
                ),
            );
        }
        let mut findings = Vec::new();
        let mut dns_off = Vec::new();
        let mut dns_unknown = Vec::new();
        for (name, value) in [
            ("enableDnsSupport", net.dns_support),
            ("enableDnsHostnames", net.dns_hostnames),
        ] {
            match value {
                Some(true) => {}
                Some(false) => dns_off.push(name),
                None => dns_unknown.push(name),
            }
        }
        if !dns_off.is_empty() {
            let fix = dns_off
                .iter()
                .map(|name| {
                    let flag = if *name == "enableDnsSupport" {
                        "--enable-dns-support"
                    } else {
                        "--enable-dns-hostnames"
                    };
                    format!(
                        "aws ec2 modify-vpc-attribute --region {} --vpc-id {} {flag} '{{\"Value\":true}}'",
                        self.query.vpc_region, net.vpc_id
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            return compose(
                id,
                self.without_endpoint(
                    what,
                    format!(
                        "interface endpoint `{eid}` (`{service}`) has private DNS, but `{}` has \
                         {} off, so its private names do not resolve",
                        net.vpc_id,
                        dns_off.join(" and ")
                    ),
                    fix,
                    Status::Warn,
                ),
            );
        }
        findings.push(Finding {
            status: Status::Ok,
            reason: format!(
                "interface endpoint `{eid}` (`{service}`) is available with private DNS"
            ),
            fix: None,
        });
        if !dns_unknown.is_empty() {
            findings.push(Finding {
                status: Status::Warn,
                reason: format!(
                    "could not read {} of `{}` (private DNS needs both on)",
                    dns_unknown.join(" and "),
                    net.vpc_id
                ),
                fix: Some(format!(
                    "aws ec2 describe-vpc-attribute --region {} --vpc-id {} --attribute enableDnsHostnames",
                    self.query.vpc_region, net.vpc_id
                )),
            });
        }
        findings.extend(self.zones(endpoint));
        findings.extend(self.security_groups(endpoint));
        compose(id, findings)
    }

    /// Subnets in an availability zone where the endpoint has no network interface reach
    /// it across zones: it works, but costs cross-AZ traffic and fails with that zone.
    fn zones(&self, endpoint: &VpcEndpoint) -> Option<Finding> {
        let net = self.net();
        let zones: Vec<&str> = endpoint
            .subnet_ids
            .iter()
            .filter_map(|id| net.subnet(id))
            .map(|s| s.availability_zone.as_str())
            .collect();
        let mut missing: Vec<&Subnet> = Vec::new();
        for s in self.subnets {
            let zone_missing = !zones.contains(&s.availability_zone.as_str());
            if zone_missing
                && !missing
                    .iter()
                    .any(|m| m.availability_zone == s.availability_zone)
            {
                missing.push(s);
            }
        }
        if missing.is_empty() {
            return None;
        }
        Some(Finding {
            status: Status::Warn,
            reason: format!(
                "`{}` has no network interface in {} (subnets there reach it across zones)",
                endpoint.id,
                missing
                    .iter()
                    .map(|s| s.availability_zone.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            fix: Some(format!(
                "aws ec2 modify-vpc-endpoint --region {} --vpc-endpoint-id {} --add-subnet-ids {}",
                self.query.vpc_region,
                endpoint.id,
                Self::subnet_list(&missing).replace(", ", " ")
            )),
        })
    }

    /// The endpoint's security groups must admit HTTPS (443) from the subnets.
    fn security_groups(&self, endpoint: &VpcEndpoint) -> Option<Finding> {
        let region = self.query.vpc_region;
        let groups = match &self.net().security_groups {
            Err(why) => {
                return Some(Finding {
                    status: Status::Warn,
                    reason: format!("security groups of `{}` not checked: {why}", endpoint.id),
                    fix: Some(format!(
                        "check that {} admit TCP 443 from the subnets \
                         (needs ec2:DescribeSecurityGroups)",
                        endpoint.security_group_ids.join(", ")
                    )),
                });
            }
            Ok(groups) => groups,
        };
        let mut unread = Vec::new();
        let mut rules = Vec::new();
        for gid in &endpoint.security_group_ids {
            match groups.iter().find(|g| &g.id == gid) {
                Some(g) => rules.extend(g.ingress.iter().filter(|r| r.admits_https())),
                None => unread.push(gid.as_str()),
            }
        }
        if !unread.is_empty() {
            return Some(Finding {
                status: Status::Warn,
                reason: format!(
                    "security group(s) {} of `{}` were not found",
                    unread.join(", "),
                    endpoint.id
                ),
                fix: Some(format!(
                    "aws ec2 describe-security-groups --region {region} --group-ids {}",
                    unread.join(" ")
                )),
            });
        }
        let group = endpoint
            .security_group_ids
            .first()
            .map_or("SECURITY_GROUP_ID", String::as_str);
        let mut blocked = Vec::new();
        let mut maybe = Vec::new();
        for s in self.subnets {
            let Some(cidr) = &s.cidr_block else {
                maybe.push(format!("{} (no IPv4 CIDR)", s.id));
                continue;
            };
            let covered = rules
                .iter()
                .any(|r| r.cidrs.iter().any(|c| cidr_contains(c, cidr) == Some(true)));
            if covered {
                continue;
            }
            let others: Vec<&str> = rules
                .iter()
                .flat_map(|r| r.other_sources.iter().map(String::as_str))
                .collect();
            if others.is_empty() {
                blocked.push(*s);
            } else {
                maybe.push(format!("{} (443 open only to {})", s.id, others.join(", ")));
            }
        }
        if !blocked.is_empty() {
            let fix = blocked
                .iter()
                .filter_map(|s| s.cidr_block.as_deref())
                .map(|cidr| {
                    format!(
                        "aws ec2 authorize-security-group-ingress --region {region} --group-id {group} \
                         --protocol tcp --port 443 --cidr {cidr}"
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            return Some(Finding {
                status: Status::Fail,
                reason: format!(
                    "the security group(s) {} of `{}` admit no HTTPS (TCP 443) from {}",
                    endpoint.security_group_ids.join(", "),
                    endpoint.id,
                    blocked
                        .iter()
                        .map(|s| format!("{} ({})", s.id, s.cidr_block.as_deref().unwrap_or("?")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                fix: Some(fix),
            });
        }
        if !maybe.is_empty() {
            return Some(Finding {
                status: Status::Warn,
                reason: format!(
                    "HTTPS to `{}` not verified for {}",
                    endpoint.id,
                    maybe.join(", ")
                ),
                fix: Some(format!(
                    "make sure the nodes' security group is among those sources, or \
                     `aws ec2 authorize-security-group-ingress --region {region} --group-id {group} \
                     --protocol tcp --port 443 --cidr SUBNET_CIDR`"
                )),
            });
        }
        Some(Finding {
            status: Status::Ok,
            reason: format!(
                "its security group(s) {} admit HTTPS from the subnets",
                endpoint.security_group_ids.join(", ")
            ),
            fix: None,
        })
    }

    /// Attach the existing S3 gateway endpoint to `tables`, or create one there.
    fn s3_fix(&self, tables: &[&str]) -> String {
        let region = self.query.vpc_region;
        let service = self.service("s3");
        let existing = self
            .endpoints_of(&service, &EndpointType::Gateway)
            .into_iter()
            .find(|e| e.state == "available");
        match existing {
            Some(e) => format!(
                "aws ec2 modify-vpc-endpoint --region {region} --vpc-endpoint-id {} \
                 --add-route-table-ids {}",
                e.id,
                tables.join(" ")
            ),
            None => format!(
                "aws ec2 create-vpc-endpoint --region {region} --vpc-id {} --vpc-endpoint-type \
                 Gateway --service-name {service} --route-table-ids {}",
                self.net().vpc_id,
                tables.join(" ")
            ),
        }
    }

    /// Layers download from S3: each subnet's route table needs the S3 gateway endpoint
    /// (an S3 interface endpoint with private DNS also serves), else an internet route.
    fn s3_check(&self) -> Check {
        let net = self.net();
        let region = self.query.vpc_region;
        let service = self.service("s3");
        let gateways: Vec<&VpcEndpoint> = self
            .endpoints_of(&service, &EndpointType::Gateway)
            .into_iter()
            .filter(|e| e.state == "available")
            .collect();
        if let Some(interface) = self
            .endpoints_of(&service, &EndpointType::Interface)
            .into_iter()
            .find(|e| e.state == "available" && e.private_dns_enabled)
        {
            return Check::ok(
                CheckId::EndpointS3,
                format!(
                    "interface endpoint `{}` (`{service}`) with private DNS serves the layers",
                    interface.id
                ),
            );
        }
        // "rtb → vpce" → the subnets it serves.
        let mut served: Vec<(String, Vec<&str>)> = Vec::new();
        let mut via_internet = Vec::new();
        let mut via_unknown = Vec::new();
        let mut unknown_tables: Vec<&str> = Vec::new();
        // Route table → subnets without S3 on it.
        let mut missing: Vec<(String, Vec<&Subnet>)> = Vec::new();
        let mut no_table = Vec::new();
        for s in self.subnets {
            let Some(table) = net.route_table_of(&s.id) else {
                no_table.push(*s);
                continue;
            };
            let gateway = gateways.iter().find(|e| {
                e.route_table_ids.contains(&table.id)
                    || table
                        .routes
                        .iter()
                        .any(|r| r.active && r.target == RouteTarget::VpcEndpoint(e.id.clone()))
            });
            if let Some(g) = gateway {
                let key = format!("{} → {}", table.id, g.id);
                match served.iter_mut().find(|(k, _)| k == &key) {
                    Some((_, list)) => list.push(s.id.as_str()),
                    None => served.push((key, vec![s.id.as_str()])),
                }
                continue;
            }
            match egress(net, &s.id) {
                Egress::Internet(via) => via_internet.push(format!("{} via {via}", s.id)),
                Egress::Unknown(via) => {
                    via_unknown.push(format!("{} via {via}", s.id));
                    if !unknown_tables.contains(&table.id.as_str()) {
                        unknown_tables.push(table.id.as_str());
                    }
                }
                Egress::None => match missing.iter_mut().find(|(t, _)| t == &table.id) {
                    Some((_, list)) => list.push(*s),
                    None => missing.push((table.id.clone(), vec![*s])),
                },
            }
        }
        let mut findings = Vec::new();
        if !served.is_empty() {
            findings.push(Finding {
                status: Status::Ok,
                reason: format!(
                    "S3 gateway endpoint on the subnets' route tables: {}",
                    served
                        .iter()
                        .map(|(k, subnets)| format!("{k} ({})", subnets.join(", ")))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                fix: None,
            });
        }
        if !via_internet.is_empty() {
            findings.push(Finding {
                status: Status::Ok,
                reason: format!(
                    "no S3 endpoint for {}: layers come over the internet (NAT data charges; \
                     the S3 gateway endpoint is free)",
                    via_internet.join(", ")
                ),
                fix: None,
            });
        }
        if !via_unknown.is_empty() {
            findings.push(Finding {
                status: Status::Warn,
                reason: format!(
                    "no S3 endpoint for {}: layers must come through a default route ecrctl \
                     does not follow",
                    via_unknown.join(", ")
                ),
                fix: Some(self.s3_fix(&unknown_tables)),
            });
        }
        if !no_table.is_empty() {
            findings.push(Finding {
                status: Status::Warn,
                reason: format!(
                    "no route table found for {}",
                    Self::subnet_list(&no_table)
                ),
                fix: Some(format!(
                    "aws ec2 describe-route-tables --region {region} --filters Name=vpc-id,Values={}",
                    net.vpc_id
                )),
            });
        }
        if !missing.is_empty() {
            let tables: Vec<&str> = missing.iter().map(|(t, _)| t.as_str()).collect();
            let subnets: Vec<&Subnet> = missing
                .iter()
                .flat_map(|(_, s)| s.iter().copied())
                .collect();
            let fix = self.s3_fix(&tables);
            findings.push(Finding {
                status: Status::Fail,
                reason: format!(
                    "image layers come from S3, but route table(s) {} of {} have neither the S3 \
                     gateway endpoint (`{service}`) nor a NAT or internet route: layer downloads \
                     time out",
                    tables.join(", "),
                    Self::subnet_list(&subnets)
                ),
                fix: Some(fix),
            });
        }
        compose(CheckId::EndpointS3, findings)
    }
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
