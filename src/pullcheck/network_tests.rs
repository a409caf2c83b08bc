//! Unit tests of the `--vpc` engine: one private VPC, changed one fact at a time.

use super::*;
use crate::model::network::{IngressRule, Route, RouteTable, SecurityGroup};

const R: &str = "us-east-1";

fn subnet(id: &str, zone: &str, cidr: &str) -> Subnet {
    Subnet {
        id: id.into(),
        availability_zone: zone.into(),
        cidr_block: Some(cidr.into()),
    }
}

fn interface(id: &str, service: &str, subnets: &[&str]) -> VpcEndpoint {
    VpcEndpoint {
        id: id.into(),
        service_name: format!("com.amazonaws.{R}.{service}"),
        endpoint_type: EndpointType::Interface,
        state: "available".into(),
        private_dns_enabled: true,
        subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
        route_table_ids: vec![],
        security_group_ids: vec!["sg-endpoints".into()],
    }
}

fn s3_gateway(tables: &[&str]) -> VpcEndpoint {
    VpcEndpoint {
        id: "vpce-s3".into(),
        service_name: format!("com.amazonaws.{R}.s3"),
        endpoint_type: EndpointType::Gateway,
        state: "available".into(),
        private_dns_enabled: false,
        subnet_ids: vec![],
        route_table_ids: tables.iter().map(|s| s.to_string()).collect(),
        security_group_ids: vec![],
    }
}

fn https_from(cidr: &str) -> IngressRule {
    IngressRule {
        protocol: "tcp".into(),
        from_port: Some(443),
        to_port: Some(443),
        cidrs: vec![cidr.into()],
        other_sources: vec![],
    }
}

fn local() -> Route {
    Route {
        destination: "10.0.0.0/16".into(),
        target: RouteTarget::Local,
        active: true,
    }
}

fn default_route(target: RouteTarget) -> Route {
    Route {
        destination: "0.0.0.0/0".into(),
        target,
        active: true,
    }
}

/// A private VPC that can pull: two subnets in two zones sharing one private route
/// table (no internet), the three endpoints, DNS on, 443 open from the VPC.
fn private_vpc() -> VpcNetwork {
    VpcNetwork {
        vpc_id: "vpc-1".into(),
        cidr_blocks: vec!["10.0.0.0/16".into()],
        dns_support: Some(true),
        dns_hostnames: Some(true),
        subnets: vec![
            subnet("subnet-a", "us-east-1a", "10.0.1.0/24"),
            subnet("subnet-b", "us-east-1b", "10.0.2.0/24"),
        ],
        route_tables: vec![
            RouteTable {
                id: "rtb-main".into(),
                main: true,
                subnet_ids: vec![],
                routes: vec![local()],
            },
            RouteTable {
                id: "rtb-private".into(),
                main: false,
                subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
                routes: vec![local()],
            },
        ],
        endpoints: vec![
            interface("vpce-api", "ecr.api", &["subnet-a", "subnet-b"]),
            interface("vpce-dkr", "ecr.dkr", &["subnet-a", "subnet-b"]),
            s3_gateway(&["rtb-private"]),
        ],
        security_groups: Ok(vec![SecurityGroup {
            id: "sg-endpoints".into(),
            ingress: vec![https_from("10.0.0.0/16")],
        }]),
    }
}

fn run(net: &VpcNetwork) -> Vec<Check> {
    run_with(net, &[])
}

fn run_with(net: &VpcNetwork, subnets: &[&str]) -> Vec<Check> {
    let ids: Vec<String> = subnets.iter().map(|s| s.to_string()).collect();
    network_checks(&NetworkQuery {
        network: net,
        registry_region: R,
        vpc_region: R,
        subnet_ids: &ids,
    })
}

fn get(checks: &[Check], id: CheckId) -> &Check {
    checks.iter().find(|c| c.id == id).expect("check present")
}

fn statuses(checks: &[Check]) -> Vec<(CheckId, Status)> {
    checks.iter().map(|c| (c.id, c.status)).collect()
}

fn remove_endpoint(net: &mut VpcNetwork, id: &str) {
    net.endpoints.retain(|e| e.id != id);
}

fn with_nat(mut net: VpcNetwork) -> VpcNetwork {
    for t in &mut net.route_tables {
        t.routes
            .push(default_route(RouteTarget::NatGateway("nat-1".into())));
    }
    net
}

#[test]
fn a_private_vpc_with_every_endpoint_passes() {
    let checks = run(&private_vpc());
    assert_eq!(
        statuses(&checks),
        vec![
            (CheckId::Vpc, Status::Ok),
            (CheckId::EndpointEcrApi, Status::Ok),
            (CheckId::EndpointEcrDkr, Status::Ok),
            (CheckId::EndpointS3, Status::Ok),
        ]
    );
    let dkr = get(&checks, CheckId::EndpointEcrDkr);
    assert!(dkr.reason.contains("vpce-dkr"), "{}", dkr.reason);
    assert!(dkr.reason.contains("admit HTTPS"), "{}", dkr.reason);
    assert!(dkr.fix.is_none());
    let s3 = get(&checks, CheckId::EndpointS3);
    assert!(
        s3.reason
            .contains("rtb-private → vpce-s3 (subnet-a, subnet-b)"),
        "{}",
        s3.reason
    );
}

#[test]
fn a_missing_ecr_dkr_endpoint_without_nat_fails_with_the_create_command() {
    let mut net = private_vpc();
    remove_endpoint(&mut net, "vpce-dkr");
    let checks = run(&net);
    let dkr = get(&checks, CheckId::EndpointEcrDkr);
    assert_eq!(dkr.status, Status::Fail);
    assert!(dkr.reason.contains("com.amazonaws.us-east-1.ecr.dkr"));
    assert!(dkr.reason.contains("subnet-a, subnet-b have no NAT"));
    assert!(dkr.reason.contains("i/o timeout"));
    assert_eq!(
        dkr.fix.as_deref(),
        Some(
            "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id vpc-1 \
             --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.ecr.dkr \
             --subnet-ids subnet-a subnet-b --private-dns-enabled"
        )
    );
    // The other paths are unaffected.
    assert_eq!(get(&checks, CheckId::EndpointEcrApi).status, Status::Ok);
    assert_eq!(get(&checks, CheckId::EndpointS3).status, Status::Ok);
}

#[test]
fn a_missing_ecr_api_endpoint_fails_too() {
    let mut net = private_vpc();
    remove_endpoint(&mut net, "vpce-api");
    let api = run(&net).remove(1);
    assert_eq!(
        (api.id, api.status),
        (CheckId::EndpointEcrApi, Status::Fail)
    );
    assert!(api.fix.unwrap().contains("com.amazonaws.us-east-1.ecr.api"));
}

#[test]
fn a_nat_route_makes_the_endpoints_optional() {
    let mut net = with_nat(private_vpc());
    net.endpoints.clear();
    let checks = run(&net);
    assert!(checks.iter().all(|c| c.status == Status::Ok), "{checks:#?}");
    let dkr = get(&checks, CheckId::EndpointEcrDkr);
    assert!(dkr.reason.contains("subnet-a via nat-1"), "{}", dkr.reason);
    let s3 = get(&checks, CheckId::EndpointS3);
    assert!(s3.reason.contains("NAT data charges"), "{}", s3.reason);
}

#[test]
fn an_internet_gateway_route_counts_as_internet() {
    let mut net = private_vpc();
    net.endpoints.clear();
    for t in &mut net.route_tables {
        t.routes
            .push(default_route(RouteTarget::InternetGateway("igw-1".into())));
    }
    assert!(run(&net).iter().all(|c| c.status == Status::Ok));
}

#[test]
fn only_the_subnets_without_internet_are_named() {
    let mut net = private_vpc();
    net.endpoints.clear();
    net.route_tables.push(RouteTable {
        id: "rtb-public".into(),
        main: false,
        subnet_ids: vec!["subnet-a".into()],
        routes: vec![
            local(),
            default_route(RouteTarget::NatGateway("nat-1".into())),
        ],
    });
    net.route_tables[1].subnet_ids = vec!["subnet-b".into()];
    let checks = run(&net);
    let dkr = get(&checks, CheckId::EndpointEcrDkr);
    assert_eq!(dkr.status, Status::Fail);
    assert!(dkr.reason.contains("subnet-b has no NAT"), "{}", dkr.reason);
    assert!(!dkr.reason.contains("subnet-a has"), "{}", dkr.reason);
    let s3 = get(&checks, CheckId::EndpointS3);
    assert_eq!(s3.status, Status::Fail);
    assert!(
        s3.reason.contains("rtb-private of subnet-b"),
        "{}",
        s3.reason
    );
    assert!(s3.reason.contains("subnet-a via nat-1"), "{}", s3.reason);
}

#[test]
fn a_blackhole_nat_route_is_no_route() {
    let mut net = with_nat(private_vpc());
    net.endpoints.clear();
    for t in &mut net.route_tables {
        for r in &mut t.routes {
            r.active = false;
        }
    }
    assert_eq!(
        get(&run(&net), CheckId::EndpointEcrApi).status,
        Status::Fail
    );
}

#[test]
fn a_default_route_to_a_transit_gateway_is_a_warning_not_a_verdict() {
    let mut net = private_vpc();
    net.endpoints.clear();
    for t in &mut net.route_tables {
        t.routes
            .push(default_route(RouteTarget::Other("tgw-1".into())));
    }
    let checks = run(&net);
    for id in [
        CheckId::EndpointEcrApi,
        CheckId::EndpointEcrDkr,
        CheckId::EndpointS3,
    ] {
        let c = get(&checks, id);
        assert_eq!(c.status, Status::Warn, "{c:?}");
        assert!(c.reason.contains("tgw-1"), "{}", c.reason);
        assert!(c.fix.is_some());
    }
    assert!(
        get(&checks, CheckId::Vpc)
            .reason
            .contains("tgw-1 (not checked)")
    );
}

#[test]
fn private_dns_off_fails_without_nat_and_warns_with_it() {
    let mut net = private_vpc();
    net.endpoints[1].private_dns_enabled = false;
    let dkr = get(&run(&net), CheckId::EndpointEcrDkr).clone();
    assert_eq!(dkr.status, Status::Fail);
    assert!(dkr.reason.contains("private DNS disabled"));
    assert_eq!(
        dkr.fix.as_deref(),
        Some(
            "aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-dkr --private-dns-enabled"
        )
    );
    let with = get(&run(&with_nat(net)), CheckId::EndpointEcrDkr).clone();
    assert_eq!(with.status, Status::Warn);
}

#[test]
fn an_endpoint_that_is_not_available_does_not_count() {
    let mut net = private_vpc();
    net.endpoints[0].state = "pendingAcceptance".into();
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    assert_eq!(api.status, Status::Fail);
    assert!(api.reason.contains("is pendingAcceptance"));
    assert!(api.fix.unwrap().contains("describe-vpc-endpoints"));
    net.endpoints[0].state = "failed".into();
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    let fix = api.fix.unwrap();
    assert!(fix.starts_with("aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-api\n"));
    assert!(fix.contains("create-vpc-endpoint"));
}

#[test]
fn an_available_endpoint_wins_over_a_broken_duplicate() {
    let mut net = private_vpc();
    let mut broken = interface("vpce-old", "ecr.dkr", &["subnet-a"]);
    broken.state = "failed".into();
    net.endpoints.insert(0, broken);
    assert_eq!(get(&run(&net), CheckId::EndpointEcrDkr).status, Status::Ok);
}

#[test]
fn vpc_dns_attributes_off_break_private_dns() {
    let mut net = private_vpc();
    net.dns_hostnames = Some(false);
    let checks = run(&net);
    let api = get(&checks, CheckId::EndpointEcrApi);
    assert_eq!(api.status, Status::Fail);
    assert!(
        api.reason.contains("enableDnsHostnames off"),
        "{}",
        api.reason
    );
    assert_eq!(
        api.fix.as_deref(),
        Some(
            "aws ec2 modify-vpc-attribute --region us-east-1 --vpc-id vpc-1 \
             --enable-dns-hostnames '{\"Value\":true}'"
        )
    );
    net.dns_support = Some(false);
    let fix = get(&run(&net), CheckId::EndpointEcrApi)
        .fix
        .clone()
        .unwrap();
    assert_eq!(fix.lines().count(), 2);
    assert!(fix.contains("--enable-dns-support"));
}

#[test]
fn unread_vpc_dns_attributes_are_a_warning_never_ok() {
    let mut net = private_vpc();
    net.dns_support = None;
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    assert_eq!(api.status, Status::Warn);
    assert!(api.reason.contains("could not read enableDnsSupport"));
}

#[test]
fn a_zone_without_an_endpoint_interface_is_a_warning_with_the_subnet_to_add() {
    let mut net = private_vpc();
    net.endpoints[1].subnet_ids = vec!["subnet-a".into()];
    let dkr = get(&run(&net), CheckId::EndpointEcrDkr).clone();
    assert_eq!(dkr.status, Status::Warn);
    assert!(dkr.reason.contains("no network interface in us-east-1b"));
    assert_eq!(
        dkr.fix.as_deref(),
        Some(
            "aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-dkr --add-subnet-ids subnet-b"
        )
    );
}

#[test]
fn a_security_group_without_https_from_the_subnets_fails_even_with_nat() {
    // With private DNS the ECR names resolve to the endpoint: NAT does not help.
    let mut net = with_nat(private_vpc());
    net.security_groups = Ok(vec![SecurityGroup {
        id: "sg-endpoints".into(),
        ingress: vec![https_from("10.0.1.0/24")],
    }]);
    let dkr = get(&run(&net), CheckId::EndpointEcrDkr).clone();
    assert_eq!(dkr.status, Status::Fail);
    assert!(
        dkr.reason
            .contains("admit no HTTPS (TCP 443) from subnet-b (10.0.2.0/24)"),
        "{}",
        dkr.reason
    );
    assert_eq!(
        dkr.fix.as_deref(),
        Some(
            "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-endpoints \
             --protocol tcp --port 443 --cidr 10.0.2.0/24"
        )
    );
}

#[test]
fn port_80_only_is_no_https() {
    let mut net = private_vpc();
    let mut rule = https_from("10.0.0.0/16");
    rule.from_port = Some(80);
    rule.to_port = Some(80);
    net.security_groups = Ok(vec![SecurityGroup {
        id: "sg-endpoints".into(),
        ingress: vec![rule],
    }]);
    assert_eq!(
        get(&run(&net), CheckId::EndpointEcrApi).status,
        Status::Fail
    );
}

#[test]
fn https_open_only_to_a_security_group_is_a_warning() {
    let mut net = private_vpc();
    net.security_groups = Ok(vec![SecurityGroup {
        id: "sg-endpoints".into(),
        ingress: vec![IngressRule {
            protocol: "tcp".into(),
            from_port: Some(443),
            to_port: Some(443),
            cidrs: vec![],
            other_sources: vec!["sg-nodes".into()],
        }],
    }]);
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    assert_eq!(api.status, Status::Warn);
    assert!(
        api.reason.contains("443 open only to sg-nodes"),
        "{}",
        api.reason
    );
}

#[test]
fn unreadable_security_groups_are_a_warning_with_the_reason() {
    let mut net = private_vpc();
    net.security_groups = Err("UnauthorizedOperation: not allowed".into());
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    assert_eq!(api.status, Status::Warn);
    assert!(api.reason.contains("not checked: UnauthorizedOperation"));
    let mut net = private_vpc();
    net.endpoints[0].security_group_ids = vec!["sg-gone".into()];
    let api = get(&run(&net), CheckId::EndpointEcrApi).clone();
    assert_eq!(api.status, Status::Warn);
    assert!(api.reason.contains("sg-gone"));
}

#[test]
fn all_traffic_from_anywhere_admits_https() {
    let mut net = private_vpc();
    net.security_groups = Ok(vec![SecurityGroup {
        id: "sg-endpoints".into(),
        ingress: vec![IngressRule {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            cidrs: vec!["0.0.0.0/0".into()],
            other_sources: vec![],
        }],
    }]);
    assert_eq!(get(&run(&net), CheckId::EndpointEcrApi).status, Status::Ok);
}

#[test]
fn an_s3_gateway_not_on_the_subnets_route_table_fails_with_the_attach_command() {
    let mut net = private_vpc();
    net.endpoints[2].route_table_ids = vec!["rtb-main".into()];
    let s3 = get(&run(&net), CheckId::EndpointS3).clone();
    assert_eq!(s3.status, Status::Fail);
    assert!(s3.reason.contains("layer downloads time out"));
    assert_eq!(
        s3.fix.as_deref(),
        Some(
            "aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-s3 --add-route-table-ids rtb-private"
        )
    );
}

#[test]
fn no_s3_gateway_at_all_fails_with_the_create_command() {
    let mut net = private_vpc();
    remove_endpoint(&mut net, "vpce-s3");
    let s3 = get(&run(&net), CheckId::EndpointS3).clone();
    assert_eq!(s3.status, Status::Fail);
    assert_eq!(
        s3.fix.as_deref(),
        Some(
            "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id vpc-1 --vpc-endpoint-type \
             Gateway --service-name com.amazonaws.us-east-1.s3 --route-table-ids rtb-private"
        )
    );
}

#[test]
fn a_subnet_without_association_uses_the_main_route_table_for_s3() {
    let mut net = private_vpc();
    net.route_tables[1].subnet_ids = vec!["subnet-a".into()];
    // subnet-b falls back to rtb-main, which lacks the gateway.
    let s3 = get(&run(&net), CheckId::EndpointS3).clone();
    assert_eq!(s3.status, Status::Fail);
    assert!(s3.reason.contains("rtb-main of subnet-b"), "{}", s3.reason);
    net.endpoints[2].route_table_ids.push("rtb-main".into());
    assert_eq!(get(&run(&net), CheckId::EndpointS3).status, Status::Ok);
}

#[test]
fn a_gateway_route_in_the_table_counts_even_if_the_endpoint_lists_no_table() {
    let mut net = private_vpc();
    net.endpoints[2].route_table_ids.clear();
    net.route_tables[1].routes.push(Route {
        destination: "pl-63a5400a".into(),
        target: RouteTarget::VpcEndpoint("vpce-s3".into()),
        active: true,
    });
    assert_eq!(get(&run(&net), CheckId::EndpointS3).status, Status::Ok);
}

#[test]
fn an_s3_interface_endpoint_with_private_dns_serves_the_layers() {
    let mut net = private_vpc();
    remove_endpoint(&mut net, "vpce-s3");
    net.endpoints
        .push(interface("vpce-s3i", "s3", &["subnet-a", "subnet-b"]));
    assert_eq!(get(&run(&net), CheckId::EndpointS3).status, Status::Ok);
}

#[test]
fn subnet_filter_judges_only_the_named_subnets() {
    let mut net = private_vpc();
    remove_endpoint(&mut net, "vpce-s3");
    net.route_tables.push(RouteTable {
        id: "rtb-public".into(),
        main: false,
        subnet_ids: vec!["subnet-a".into()],
        routes: vec![
            local(),
            default_route(RouteTarget::InternetGateway("igw-1".into())),
        ],
    });
    net.route_tables[1].subnet_ids = vec!["subnet-b".into()];
    assert_eq!(get(&run(&net), CheckId::EndpointS3).status, Status::Fail);
    let only_a = run_with(&net, &["subnet-a"]);
    assert_eq!(get(&only_a, CheckId::EndpointS3).status, Status::Ok);
    let vpc = get(&only_a, CheckId::Vpc);
    assert!(
        vpc.reason
            .contains("1 subnet(s) checked (subnet-a in us-east-1a)")
    );
}

#[test]
fn endpoints_of_another_region_do_not_count() {
    let net = private_vpc();
    let checks = network_checks(&NetworkQuery {
        network: &net,
        registry_region: "eu-west-1",
        vpc_region: R,
        subnet_ids: &[],
    });
    let vpc = get(&checks, CheckId::Vpc);
    assert_eq!(vpc.status, Status::Warn);
    assert!(vpc.reason.contains("registry is in eu-west-1"));
    let dkr = get(&checks, CheckId::EndpointEcrDkr);
    assert_eq!(dkr.status, Status::Fail);
    assert!(dkr.reason.contains("com.amazonaws.eu-west-1.ecr.dkr"));
}

#[test]
fn a_vpc_without_subnets_fails_and_skips_the_rest() {
    let mut net = private_vpc();
    net.subnets.clear();
    assert_eq!(
        statuses(&run(&net)),
        vec![
            (CheckId::Vpc, Status::Fail),
            (CheckId::EndpointEcrApi, Status::Skipped),
            (CheckId::EndpointEcrDkr, Status::Skipped),
            (CheckId::EndpointS3, Status::Skipped),
        ]
    );
}

#[test]
fn no_check_is_ok_with_a_fix_and_every_failure_has_one() {
    let mut variants = vec![private_vpc(), with_nat(private_vpc())];
    let mut v = private_vpc();
    v.endpoints.clear();
    variants.push(v);
    let mut v = private_vpc();
    v.security_groups = Err("denied".into());
    variants.push(v);
    for net in &variants {
        for c in run(net) {
            match c.status {
                Status::Ok | Status::Skipped => assert!(c.fix.is_none(), "{c:?}"),
                Status::Warn | Status::Fail => {
                    assert!(c.fix.as_deref().is_some_and(|f| !f.is_empty()), "{c:?}")
                }
            }
        }
    }
}
