//! ECR registry host names: building them for an account and region, recognising them, and
//! the `--registry-endpoint` override (VPC endpoints, proxies, local stand-ins).

use crate::error::{CliError, Result};

/// The registry host of an account in a region: `ACCOUNT.dkr.ecr.REGION.amazonaws.com`
/// (the partition's domain outside the commercial one: `.amazonaws.com.cn` in China…).
pub fn ecr_registry_host(account: &str, region: &str) -> String {
    ecr_registry_host_in(account, region, false, false)
}

/// The DNS suffixes of ECR registry hosts (IPv4 endpoints, then dual-stack ones), per
/// partition, as amazon-ecr-credential-helper and the SDKs' endpoint rules know them.
const PARTITIONS: &[(&str, &str, &str)] = &[
    // (region prefix, suffix, dual-stack suffix)
    ("cn-", "amazonaws.com.cn", "on.amazonwebservices.com.cn"),
    ("eusc-", "amazonaws.eu", "amazonaws.eu"),
    ("us-isob-", "sc2s.sgov.gov", "sc2s.sgov.gov"),
    ("us-isof-", "csp.hci.ic.gov", "csp.hci.ic.gov"),
    ("us-iso-", "c2s.ic.gov", "c2s.ic.gov"),
    ("eu-isoe-", "cloud.adc-e.uk", "cloud.adc-e.uk"),
];

/// The registry host of an account in a region in the form asked for: FIPS
/// (`dkr.ecr-fips`), dual-stack (`dkr-ecr.REGION.on.aws`), both, or neither.
pub fn ecr_registry_host_in(account: &str, region: &str, fips: bool, dual_stack: bool) -> String {
    let (suffix, dual_suffix) = PARTITIONS
        .iter()
        .find(|(prefix, _, _)| region.starts_with(prefix))
        .map(|(_, s, d)| (*s, *d))
        .unwrap_or(("amazonaws.com", "on.aws"));
    let fips = if fips { "-fips" } else { "" };
    match dual_stack {
        true => format!("{account}.dkr-ecr{fips}.{region}.{dual_suffix}"),
        false => format!("{account}.dkr.ecr{fips}.{region}.{suffix}"),
    }
}

/// An ECR registry host split into account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrHost {
    pub account: String,
    pub region: String,
    pub fips: bool,
    /// `dkr-ecr…` (IPv4 and IPv6) rather than `dkr.ecr…`.
    pub dual_stack: bool,
}

/// Recognises ECR registry hosts: `ACCOUNT.dkr.ecr[-fips].REGION.SUFFIX` and the
/// dual-stack `ACCOUNT.dkr-ecr[-fips].REGION.SUFFIX`, where SUFFIX is a partition's
/// domain (`amazonaws.com`, `amazonaws.com.cn`, `on.aws`, `on.amazonwebservices.com.cn`,
/// `amazonaws.eu`, `c2s.ic.gov`, `sc2s.sgov.gov`, `csp.hci.ic.gov`, `cloud.adc-e.uk`).
/// A port is allowed only as a port number (1–65535); anything else after the `:`
/// (`:@evil.com`, `:443#…`, `:99999`) is not an ECR host.
pub fn parse_ecr_host(host: &str) -> Option<EcrHost> {
    let (host, port) = match host.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host, None),
    };
    if let Some(port) = port {
        let digits =
            !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
        if !digits || !(1..=65535).contains(&port.parse::<u32>().ok()?) {
            return None;
        }
    }
    let host = host.to_ascii_lowercase();
    let parts: Vec<&str> = host.split('.').collect();
    let (account, service, region, rest) = match parts.as_slice() {
        [account, "dkr", service, region, rest @ ..] => (*account, *service, *region, rest),
        [account, service, region, rest @ ..] if service.starts_with("dkr-ecr") => {
            (*account, *service, *region, rest)
        }
        _ => return None,
    };
    let known_suffix = matches!(
        rest,
        ["amazonaws", "com"]
            | ["amazonaws", "com", "cn"]
            | ["on", "aws"]
            | ["on", "amazonwebservices", "com", "cn"]
            | ["amazonaws", "eu"]
            | ["c2s", "ic", "gov"]
            | ["sc2s", "sgov", "gov"]
            | ["csp", "hci", "ic", "gov"]
            | ["cloud", "adc-e", "uk"]
    );
    let fips = service.ends_with("-fips");
    let service_ok = matches!(service, "ecr" | "ecr-fips" | "dkr-ecr" | "dkr-ecr-fips");
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (known_suffix && service_ok && account_ok && region_ok).then(|| EcrHost {
        account: account.to_string(),
        region: region.to_string(),
        fips,
        dual_stack: service.starts_with("dkr-ecr"),
    })
}

/// Validates `--registry-endpoint HOST[:PORT]`.
pub fn parse_registry_endpoint(value: &str) -> Result<String> {
    let bad = || {
        CliError::usage(format!("--registry-endpoint `{value}` is not HOST[:PORT]")).with_hint(
            "give a host name and optional port without a scheme or path, e.g. \
             vpce-0abc.dkr.ecr.us-east-1.vpce.amazonaws.com or 127.0.0.1:5443",
        )
    };
    if value.contains("://") || value.contains('/') || value.is_empty() {
        return Err(bad());
    }
    let (host, port) = match value.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (value, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']'));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if host_ok && port_ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_hosts_for_commercial_and_china_regions() {
        assert_eq!(
            ecr_registry_host("123456789012", "us-east-1"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(
            ecr_registry_host("123456789012", "cn-north-1"),
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"
        );
    }

    #[test]
    fn recognises_ecr_hosts_and_nothing_else() {
        let h = parse_ecr_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com").unwrap();
        assert_eq!(
            (h.account.as_str(), h.region.as_str(), h.fips),
            ("123456789012", "eu-west-1", false)
        );
        assert!(
            parse_ecr_host("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com")
                .unwrap()
                .fips
        );
        assert!(parse_ecr_host("123456789012.dkr-ecr.us-east-1.on.aws").is_some());
        assert!(parse_ecr_host("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn").is_some());
        for (host, region, fips, dual) in [
            (
                "123456789012.dkr-ecr-fips.us-gov-west-1.on.aws",
                "us-gov-west-1",
                true,
                true,
            ),
            (
                "123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
                "cn-north-1",
                false,
                true,
            ),
            (
                "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu",
                "eusc-de-east-1",
                false,
                false,
            ),
            (
                "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov",
                "us-iso-east-1",
                false,
                false,
            ),
            (
                "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
                "us-isob-east-1",
                false,
                false,
            ),
            (
                "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
                "us-isof-south-1",
                false,
                false,
            ),
            (
                "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
                "eu-isoe-west-1",
                false,
                false,
            ),
        ] {
            let h = parse_ecr_host(host).unwrap_or_else(|| panic!("{host}"));
            assert_eq!(
                (h.region.as_str(), h.fips, h.dual_stack),
                (region, fips, dual),
                "{host}"
            );
            // Built back from its parts, the same host.
            assert_eq!(
                ecr_registry_host_in(&h.account, &h.region, fips, dual),
                host
            );
        }
        assert!(parse_ecr_host("public.ecr.aws").is_none());
        let h = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
        assert!(parse_ecr_host(&format!("{h}:443")).is_some());
        assert!(parse_ecr_host(&format!("{h}:65535")).is_some());
        for tail in [
            ":@evil.com",
            ":x@evil.com:443",
            ":443#@evil.com",
            ":443?@evil.com",
            ":99999",
            ":0",
            ":",
            ":443/x",
        ] {
            assert!(parse_ecr_host(&format!("{h}{tail}")).is_none(), "{tail}");
        }
        assert!(parse_ecr_host("123456789012.dkr.ecr.us@evil.amazonaws.com").is_none());
        assert!(parse_ecr_host("ghcr.io").is_none());
        assert!(parse_ecr_host("123.dkr.ecr.us-east-1.amazonaws.com").is_none());
        assert!(parse_ecr_host("123456789012.dkr.ecr.us-east-1.evil.com").is_none());
    }

    #[test]
    fn registry_endpoint_is_host_and_optional_port() {
        assert_eq!(
            parse_registry_endpoint("127.0.0.1:5443").unwrap(),
            "127.0.0.1:5443"
        );
        assert_eq!(
            parse_registry_endpoint("Registry.Example.com").unwrap(),
            "registry.example.com"
        );
        for bad in ["https://x", "x/y", "x:0", "x:99999", "", "a b"] {
            assert_eq!(
                parse_registry_endpoint(bad).unwrap_err().exit_code().code(),
                2,
                "{bad}"
            );
        }
    }
}
