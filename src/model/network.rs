//! What `pull-check --vpc` read of a VPC: its DNS attributes, subnets, route tables, VPC
//! endpoints and the endpoints' security groups. Plain data: `aws/ec2.rs` fills it,
//! `pullcheck/network.rs` judges it.

/// One VPC as read from EC2. A part that could not be read is `None` (or `Err` with the
/// reason) so the engine can say "skipped" instead of judging a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcNetwork {
    pub vpc_id: String,
    /// IPv4 CIDR blocks of the VPC.
    pub cidr_blocks: Vec<String>,
    /// `enableDnsSupport`; `None` when it could not be read.
    pub dns_support: Option<bool>,
    /// `enableDnsHostnames`; `None` when it could not be read.
    pub dns_hostnames: Option<bool>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub endpoints: Vec<VpcEndpoint>,
    /// The security groups of the interface endpoints, or why they could not be read.
    pub security_groups: Result<Vec<SecurityGroup>, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub id: String,
    pub availability_zone: String,
    /// IPv4 CIDR block, when the subnet has one.
    pub cidr_block: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTable {
    pub id: String,
    /// The VPC's main route table: used by every subnet with no explicit association.
    pub main: bool,
    /// Subnets explicitly associated with this table.
    pub subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// An IPv4/IPv6 CIDR or a prefix list id (`pl-…`, e.g. S3's for a gateway endpoint).
    pub destination: String,
    pub target: RouteTarget,
    /// `active`; a `blackhole` route (its target was deleted) carries nothing.
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    /// `local`: inside the VPC.
    Local,
    /// `igw-…`
    InternetGateway(String),
    /// `nat-…`
    NatGateway(String),
    /// `vpce-…` (a gateway endpoint's route)
    VpcEndpoint(String),
    /// Anything else (transit gateway, peering, an instance, an ENI…), by id.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointType {
    Interface,
    Gateway,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcEndpoint {
    pub id: String,
    /// e.g. `com.amazonaws.us-east-1.ecr.dkr`
    pub service_name: String,
    pub endpoint_type: EndpointType,
    /// `available`, `pending`, `pendingAcceptance`, `failed`, `rejected`, `deleting`…
    pub state: String,
    pub private_dns_enabled: bool,
    /// Interface endpoints: the subnets holding its network interfaces.
    pub subnet_ids: Vec<String>,
    /// Gateway endpoints: the route tables it is attached to.
    pub route_table_ids: Vec<String>,
    /// Interface endpoints: the security groups of its network interfaces.
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroup {
    pub id: String,
    pub ingress: Vec<IngressRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp`, or `-1` for all traffic.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// IPv4 CIDRs the rule admits.
    pub cidrs: Vec<String>,
    /// Other sources: security groups (`sg-…`), prefix lists (`pl-…`), IPv6 CIDRs.
    pub other_sources: Vec<String>,
}

impl IngressRule {
    /// Whether the rule admits TCP to port 443 (from some source).
    pub fn admits_https(&self) -> bool {
        match self.protocol.as_str() {
            "-1" | "all" => true,
            "tcp" | "6" => match (self.from_port, self.to_port) {
                (Some(from), Some(to)) => from <= 443 && 443 <= to,
                // No ports on a TCP rule means all ports.
                _ => true,
            },
            _ => false,
        }
    }
}

impl Default for VpcNetwork {
    fn default() -> Self {
        Self {
            vpc_id: String::new(),
            cidr_blocks: Vec::new(),
            dns_support: None,
            dns_hostnames: None,
            subnets: Vec::new(),
            route_tables: Vec::new(),
            endpoints: Vec::new(),
            security_groups: Ok(Vec::new()),
        }
    }
}

impl VpcNetwork {
    /// The route table a subnet uses: its explicit association, else the main table.
    pub fn route_table_of(&self, subnet_id: &str) -> Option<&RouteTable> {
        self.route_tables
            .iter()
            .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
            .or_else(|| self.route_tables.iter().find(|t| t.main))
    }

    pub fn subnet(&self, subnet_id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == subnet_id)
    }
}

/// Whether IPv4 `cidr` contains every address of IPv4 `inner` (both `a.b.c.d/n`).
/// `None` when either is not an IPv4 CIDR.
pub fn cidr_contains(cidr: &str, inner: &str) -> Option<bool> {
    let (outer_net, outer_len) = parse_cidr(cidr)?;
    let (inner_net, inner_len) = parse_cidr(inner)?;
    if inner_len < outer_len {
        return Some(false);
    }
    let mask = if outer_len == 0 {
        0
    } else {
        u32::MAX << (32 - outer_len)
    };
    Some(outer_net & mask == inner_net & mask)
}

fn parse_cidr(text: &str) -> Option<(u32, u32)> {
    let (addr, len) = text.split_once('/')?;
    let addr: std::net::Ipv4Addr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    (len <= 32).then_some((u32::from(addr), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_containment() {
        assert_eq!(cidr_contains("10.0.0.0/16", "10.0.1.0/24"), Some(true));
        assert_eq!(cidr_contains("10.0.0.0/16", "10.1.1.0/24"), Some(false));
        assert_eq!(cidr_contains("0.0.0.0/0", "192.168.1.0/24"), Some(true));
        assert_eq!(cidr_contains("10.0.1.0/24", "10.0.0.0/16"), Some(false));
        assert_eq!(cidr_contains("10.0.1.7/32", "10.0.1.7/32"), Some(true));
        assert_eq!(cidr_contains("::/0", "10.0.0.0/8"), None);
        assert_eq!(cidr_contains("10.0.0.0/33", "10.0.0.0/8"), None);
    }

    #[test]
    fn https_rules() {
        let rule = |protocol: &str, from, to| IngressRule {
            protocol: protocol.into(),
            from_port: from,
            to_port: to,
            cidrs: vec![],
            other_sources: vec![],
        };
        assert!(rule("tcp", Some(443), Some(443)).admits_https());
        assert!(rule("tcp", Some(0), Some(65535)).admits_https());
        assert!(rule("-1", None, None).admits_https());
        assert!(!rule("tcp", Some(80), Some(80)).admits_https());
        assert!(!rule("udp", Some(443), Some(443)).admits_https());
    }

    #[test]
    fn a_subnet_without_association_uses_the_main_table() {
        let table = |id: &str, main, subnets: &[&str]| RouteTable {
            id: id.into(),
            main,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            routes: vec![],
        };
        let vpc = VpcNetwork {
            route_tables: vec![
                table("rtb-main", true, &[]),
                table("rtb-a", false, &["subnet-a"]),
            ],
            security_groups: Ok(vec![]),
            ..VpcNetwork::default()
        };
        assert_eq!(vpc.route_table_of("subnet-a").unwrap().id, "rtb-a");
        assert_eq!(vpc.route_table_of("subnet-b").unwrap().id, "rtb-main");
    }
}
