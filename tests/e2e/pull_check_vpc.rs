//! `pull-check --vpc`: can the subnets of a VPC reach ECR? VPCs, subnets, route tables,
//! NAT gateways, security groups and VPC endpoints are made in moto with boto3 (an
//! independent client); the real binary reads them through EC2 and judges them.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::client::{Run, aws, ecr, put_image, unique};
use crate::harness::{ACCOUNT, REGION};

/// EC2 through boto3 against moto: `operation` in snake_case.
fn ec2(operation: &str, params: Value) -> Value {
    aws("ec2", operation, params)
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

struct Vpc {
    id: String,
    /// Two private subnets (us-east-1a, us-east-1b) sharing `route_table`.
    subnets: Vec<String>,
    route_table: String,
    security_group: String,
}

/// A VPC like an EKS cluster's private side: DNS support and hostnames on, two subnets
/// in two zones on one route table with only the local route, a security group admitting
/// HTTPS from the VPC, and the given endpoints (`ecr.api`, `ecr.dkr`, `s3`).
fn private_vpc(endpoints: &[&str]) -> Vpc {
    let id = s(&ec2("create_vpc", json!({"CidrBlock": "10.0.0.0/16"}))["Vpc"]["VpcId"]);
    ec2(
        "modify_vpc_attribute",
        json!({"VpcId": id, "EnableDnsHostnames": {"Value": true}}),
    );
    let subnets: Vec<String> = [("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")]
        .iter()
        .map(|(cidr, zone)| {
            s(&ec2(
                "create_subnet",
                json!({"VpcId": id, "CidrBlock": cidr, "AvailabilityZone": zone}),
            )["Subnet"]["SubnetId"])
        })
        .collect();
    let route_table =
        s(&ec2("create_route_table", json!({"VpcId": id}))["RouteTable"]["RouteTableId"]);
    for subnet in &subnets {
        ec2(
            "associate_route_table",
            json!({"RouteTableId": route_table, "SubnetId": subnet}),
        );
    }
    let security_group = s(&ec2(
        "create_security_group",
        json!({"GroupName": unique("vpce"), "Description": "VPC endpoints", "VpcId": id}),
    )["GroupId"]);
    ec2(
        "authorize_security_group_ingress",
        json!({"GroupId": security_group, "IpPermissions": [{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/16"}]
        }]}),
    );
    let vpc = Vpc {
        id,
        subnets,
        route_table,
        security_group,
    };
    for service in endpoints {
        add_endpoint(&vpc, service);
    }
    vpc
}

fn add_endpoint(vpc: &Vpc, service: &str) -> String {
    let name = format!("com.amazonaws.{REGION}.{service}");
    let params = if service == "s3" {
        json!({"VpcId": vpc.id, "VpcEndpointType": "Gateway", "ServiceName": name,
               "RouteTableIds": [vpc.route_table]})
    } else {
        json!({"VpcId": vpc.id, "VpcEndpointType": "Interface", "ServiceName": name,
               "SubnetIds": vpc.subnets, "SecurityGroupIds": [vpc.security_group],
               "PrivateDnsEnabled": true})
    };
    s(&ec2("create_vpc_endpoint", params)["VpcEndpoint"]["VpcEndpointId"])
}

/// A NAT gateway (in a public subnet with an internet gateway) as the private route
/// table's default route.
fn add_nat(vpc: &Vpc) -> String {
    let igw = s(&ec2("create_internet_gateway", json!({}))["InternetGateway"]["InternetGatewayId"]);
    ec2(
        "attach_internet_gateway",
        json!({"InternetGatewayId": igw, "VpcId": vpc.id}),
    );
    let public = s(&ec2(
        "create_subnet",
        json!({"VpcId": vpc.id, "CidrBlock": "10.0.100.0/24", "AvailabilityZone": "us-east-1a"}),
    )["Subnet"]["SubnetId"]);
    // A real public subnet: its own route table sends 0.0.0.0/0 to the internet gateway.
    let public_table =
        s(&ec2("create_route_table", json!({"VpcId": vpc.id}))["RouteTable"]["RouteTableId"]);
    ec2(
        "create_route",
        json!({"RouteTableId": public_table, "DestinationCidrBlock": "0.0.0.0/0",
               "GatewayId": igw}),
    );
    ec2(
        "associate_route_table",
        json!({"RouteTableId": public_table, "SubnetId": public}),
    );
    let eip = s(&ec2("allocate_address", json!({"Domain": "vpc"}))["AllocationId"]);
    let nat = s(&ec2(
        "create_nat_gateway",
        json!({"SubnetId": public, "AllocationId": eip}),
    )["NatGateway"]["NatGatewayId"]);
    ec2(
        "create_route",
        json!({"RouteTableId": vpc.route_table, "DestinationCidrBlock": "0.0.0.0/0",
               "NatGatewayId": nat}),
    );
    nat
}

/// An image that exists, so the rest of pull-check has something real to look at.
fn image() -> String {
    let repo = unique("vpc/app");
    ecr(&["repo", "create", &repo]).assert_code(0);
    put_image(&repo, Some("v1"), &repo);
    format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:v1")
}

/// A role whose inline policy allows every pull action, so that only the network decides.
fn puller() -> String {
    let name = unique("puller").replace('/', "-");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = aws(
        "iam",
        "create_role",
        json!({"RoleName": name, "AssumeRolePolicyDocument": trust.to_string()}),
    );
    let pull = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
        "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability"], "Resource": "*"}]});
    aws(
        "iam",
        "put_role_policy",
        json!({"RoleName": name, "PolicyName": "pull", "PolicyDocument": pull.to_string()}),
    );
    s(&role["Role"]["Arn"])
}

fn pull_check(vpc: &str, extra: &[&str]) -> Run {
    let image = image();
    let principal = puller();
    let mut args = vec![
        "pull-check",
        &image,
        "--principal",
        &principal,
        "--vpc",
        vpc,
        "--output",
        "json",
    ];
    args.extend_from_slice(extra);
    ecr(&args)
}

/// The `--vpc` checks of a JSON report: id → the check.
fn network(run: &Run) -> BTreeMap<String, Value> {
    let doc = run.json();
    let mut found = BTreeMap::new();
    fn walk(v: &Value, found: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(map) => {
                if let (Some(Value::String(id)), Some(Value::String(_))) =
                    (map.get("id"), map.get("status"))
                    && (id == "vpc" || id.starts_with("endpoint-"))
                {
                    found.insert(id.clone(), v.clone());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    walk(&doc, &mut found);
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        ["endpoint-ecr-api", "endpoint-ecr-dkr", "endpoint-s3", "vpc"],
        "{doc:#}"
    );
    found
}

fn status(checks: &BTreeMap<String, Value>, id: &str) -> String {
    s(&checks[id]["status"])
}

#[test]
fn a_missing_ecr_dkr_endpoint_fails_with_the_command_that_creates_it() {
    let vpc = private_vpc(&["ecr.api", "s3"]);
    let run = pull_check(&vpc.id, &[]);
    run.assert_code(1);
    let checks = network(&run);
    let dkr = &checks["endpoint-ecr-dkr"];
    assert_eq!(s(&dkr["status"]), "fail", "{dkr:#}");
    let reason = s(&dkr["reason"]);
    assert!(
        reason.contains("com.amazonaws.us-east-1.ecr.dkr"),
        "{reason}"
    );
    assert!(reason.contains("i/o timeout"), "{reason}");
    // One subnet per zone, in EC2's (id) order.
    let mut subnets = vpc.subnets.clone();
    subnets.sort();
    assert_eq!(
        s(&dkr["fix"]),
        format!(
            "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id {} --vpc-endpoint-type \
             Interface --service-name com.amazonaws.us-east-1.ecr.dkr --subnet-ids {} {} \
             --private-dns-enabled",
            vpc.id, subnets[0], subnets[1]
        )
    );
    assert_eq!(status(&checks, "endpoint-ecr-api"), "ok");
    assert_eq!(status(&checks, "endpoint-s3"), "ok");
    assert_eq!(status(&checks, "vpc"), "ok");
}

#[test]
fn every_endpoint_present_is_ok() {
    let vpc = private_vpc(&["ecr.api", "ecr.dkr", "s3"]);
    let run = pull_check(&vpc.id, &[]);
    let checks = network(&run);
    for (id, check) in &checks {
        assert_eq!(s(&check["status"]), "ok", "{id}: {check:#}");
        assert!(check.get("fix").is_none(), "{check:#}");
    }
    assert!(s(&checks["endpoint-ecr-dkr"]["reason"]).contains("admit HTTPS"));
    assert!(s(&checks["endpoint-s3"]["reason"]).contains(&vpc.route_table));
    run.assert_code(0);
}

#[test]
fn a_nat_route_alone_is_not_a_failure() {
    let vpc = private_vpc(&[]);
    let nat = add_nat(&vpc);
    let run = pull_check(&vpc.id, &[]);
    let checks = network(&run);
    for (id, check) in &checks {
        assert_ne!(s(&check["status"]), "fail", "{id}: {check:#}");
    }
    let api = s(&checks["endpoint-ecr-api"]["reason"]);
    assert!(
        api.contains(&format!("{} via {nat}", vpc.subnets[0])),
        "{api}"
    );
    assert!(
        api.contains(" via igw-"),
        "the NAT's own public subnet: {api}"
    );
    run.assert_code(0);
}

#[test]
fn a_missing_s3_gateway_fails_and_private_dns_needs_the_vpc_dns_attributes() {
    let vpc = private_vpc(&["ecr.api", "ecr.dkr"]);
    ec2(
        "modify_vpc_attribute",
        json!({"VpcId": vpc.id, "EnableDnsHostnames": {"Value": false}}),
    );
    let run = pull_check(&vpc.id, &[]);
    run.assert_code(1);
    let checks = network(&run);
    let s3 = &checks["endpoint-s3"];
    assert_eq!(s(&s3["status"]), "fail");
    assert!(s(&s3["fix"]).contains(&format!(
        "--vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.s3 \
         --route-table-ids {}",
        vpc.route_table
    )));
    let api = &checks["endpoint-ecr-api"];
    assert_eq!(s(&api["status"]), "fail");
    assert!(
        s(&api["reason"]).contains("enableDnsHostnames off"),
        "{api:#}"
    );
    assert!(s(&api["fix"]).contains("--enable-dns-hostnames"));
}

#[test]
fn a_subnet_flag_limits_the_check_and_must_name_a_subnet_of_the_vpc() {
    let vpc = private_vpc(&["ecr.api", "ecr.dkr", "s3"]);
    let run = pull_check(&vpc.id, &["--subnet", &vpc.subnets[1]]);
    let checks = network(&run);
    let reason = s(&checks["vpc"]["reason"]);
    assert!(reason.contains("1 subnet(s) checked"), "{reason}");
    assert!(reason.contains(&vpc.subnets[1]), "{reason}");

    let other = private_vpc(&[]);
    let run = pull_check(&vpc.id, &["--subnet", &other.subnets[0]]);
    run.assert_code(2);
    assert!(run.stderr.contains("is not a subnet of"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_vpc_that_does_not_exist_or_a_malformed_id_is_bad_input() {
    let run = pull_check("vpc-0123456789abcdef0", &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("does not exist in us-east-1"),
        "{}",
        run.stderr
    );
    let run = pull_check("default", &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("is not a VPC id"), "{}", run.stderr);
}
