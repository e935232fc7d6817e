//! The annotations Istio defines: on which kinds of resources each belongs, whether it is
//! deprecated, and how Istio validates its value (for the ones it validates).

/// How Istio checks an annotation's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// An unsigned 32-bit integer.
    UInt32,
    /// A port number, 0–65535.
    Port,
    /// A comma-separated list of ports (may be empty).
    Ports,
    /// `*` or a comma-separated list of ports.
    PortsOrStar,
    /// A comma-separated list of CIDR ranges (may be empty).
    Cidrs,
    /// `*` or a comma-separated list of CIDR ranges.
    CidrsOrStar,
    /// A boolean as Go parses it (`true`, `1`, `F`, …).
    Bool,
    /// `REDIRECT`, `TPROXY` or `NONE`.
    InterceptionMode,
    /// A ProxyConfig in YAML or JSON: a mapping.
    ProxyConfig,
}

/// One annotation Istio defines.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The annotation's name.
    pub name: &'static str,
    /// Kinds it belongs on; `Any` for every kind.
    pub kinds: &'static [&'static str],
    /// Deprecated in favour of something else.
    pub deprecated: bool,
    /// How its value is validated, if it is.
    pub check: Option<Check>,
}

const fn on(name: &'static str, kinds: &'static [&'static str]) -> Known {
    Known {
        name,
        kinds,
        deprecated: false,
        check: None,
    }
}

const fn pod(name: &'static str) -> Known {
    on(name, &["Pod"])
}

const fn checked(name: &'static str, check: Check) -> Known {
    Known {
        check: Some(check),
        ..pod(name)
    }
}

const fn deprecated(name: &'static str) -> Known {
    Known {
        deprecated: true,
        ..pod(name)
    }
}

/// Every annotation Istio defines, sorted by name.
pub const KNOWN: &[Known] = &[
    on("alpha.istio.io/canonical-serviceaccounts", &["Service"]),
    on("alpha.istio.io/kubernetes-serviceaccounts", &["Service"]),
    pod("ambient.istio.io/bypass-inbound-capture"),
    pod("ambient.istio.io/dns-capture"),
    pod("ambient.istio.io/redirection"),
    on(
        "ambient.istio.io/waypoint-inbound-binding",
        &["GatewayClass"],
    ),
    on("galley.istio.io/analyze-suppress", &["Any"]),
    on("gateway.istio.io/controller-version", &["Any"]),
    on("gateway.istio.io/name-override", &["Gateway"]),
    on("gateway.istio.io/service-account", &["Gateway"]),
    pod("inject.istio.io/templates"),
    on("install.operator.istio.io/chart-owner", &["Any"]),
    on("install.operator.istio.io/owner-generation", &["Any"]),
    on("install.operator.istio.io/version", &["Any"]),
    on("istio.io/autoRegistrationGroup", &["WorkloadEntry"]),
    on("istio.io/connectedAt", &["WorkloadEntry"]),
    on("istio.io/disconnectedAt", &["WorkloadEntry"]),
    on("istio.io/dry-run", &["AuthorizationPolicy"]),
    pod("istio.io/reroute-virtual-interfaces"),
    pod("istio.io/rev"),
    on("istio.io/workloadController", &["WorkloadEntry"]),
    on("kubernetes.io/ingress.class", &["Ingress"]),
    on("networking.istio.io/exportTo", &["Service"]),
    on("networking.istio.io/service-type", &["Gateway"]),
    on("networking.istio.io/traffic-distribution", &["Service"]),
    checked("prometheus.istio.io/merge-metrics", Check::Bool),
    checked("proxy.istio.io/config", Check::ProxyConfig),
    pod("proxy.istio.io/overrides"),
    pod("readiness.status.sidecar.istio.io/applicationPorts"),
    checked(
        "readiness.status.sidecar.istio.io/failureThreshold",
        Check::UInt32,
    ),
    checked(
        "readiness.status.sidecar.istio.io/initialDelaySeconds",
        Check::UInt32,
    ),
    checked(
        "readiness.status.sidecar.istio.io/periodSeconds",
        Check::UInt32,
    ),
    pod("sidecar.istio.io/agentLogLevel"),
    pod("sidecar.istio.io/bootstrapOverride"),
    pod("sidecar.istio.io/componentLogLevel"),
    deprecated("sidecar.istio.io/controlPlaneAuthPolicy"),
    deprecated("sidecar.istio.io/discoveryAddress"),
    pod("sidecar.istio.io/enableCoreDump"),
    pod("sidecar.istio.io/extraStatTags"),
    deprecated("sidecar.istio.io/inject"),
    checked("sidecar.istio.io/interceptionMode", Check::InterceptionMode),
    pod("sidecar.istio.io/logLevel"),
    pod("sidecar.istio.io/nativeSidecar"),
    pod("sidecar.istio.io/proxyCPU"),
    pod("sidecar.istio.io/proxyCPULimit"),
    pod("sidecar.istio.io/proxyImage"),
    pod("sidecar.istio.io/proxyImageType"),
    pod("sidecar.istio.io/proxyMemory"),
    pod("sidecar.istio.io/proxyMemoryLimit"),
    pod("sidecar.istio.io/rewriteAppHTTPProbers"),
    pod("sidecar.istio.io/statsCompression"),
    pod("sidecar.istio.io/statsFlushInterval"),
    pod("sidecar.istio.io/statsHistogramBuckets"),
    deprecated("sidecar.istio.io/statsInclusionPrefixes"),
    deprecated("sidecar.istio.io/statsInclusionRegexps"),
    deprecated("sidecar.istio.io/statsInclusionSuffixes"),
    pod("sidecar.istio.io/status"),
    pod("sidecar.istio.io/userVolume"),
    pod("sidecar.istio.io/userVolumeMount"),
    checked("status.sidecar.istio.io/port", Check::Port),
    on("topology.istio.io/controlPlaneClusters", &["Any"]),
    on("traffic.istio.io/nodeSelector", &["Service"]),
    checked("traffic.sidecar.istio.io/excludeInboundPorts", Check::Ports),
    pod("traffic.sidecar.istio.io/excludeInterfaces"),
    checked(
        "traffic.sidecar.istio.io/excludeOutboundIPRanges",
        Check::Cidrs,
    ),
    checked(
        "traffic.sidecar.istio.io/excludeOutboundPorts",
        Check::Ports,
    ),
    checked(
        "traffic.sidecar.istio.io/includeInboundPorts",
        Check::PortsOrStar,
    ),
    checked(
        "traffic.sidecar.istio.io/includeOutboundIPRanges",
        Check::CidrsOrStar,
    ),
    checked(
        "traffic.sidecar.istio.io/includeOutboundPorts",
        Check::Ports,
    ),
    deprecated("traffic.sidecar.istio.io/kubevirtInterfaces"),
];

/// The definition of an annotation, if Istio defines it.
pub fn lookup(name: &str) -> Option<&'static Known> {
    KNOWN
        .binary_search_by(|k| k.name.cmp(name))
        .ok()
        .and_then(|i| KNOWN.get(i))
}

/// Checks a value; `Err` says what is wrong with it.
pub fn validate(check: Check, value: &str) -> Result<(), String> {
    match check {
        Check::UInt32 => value
            .parse::<u32>()
            .map(drop)
            .map_err(|_| format!("{value:?} is not a non-negative 32-bit integer")),
        Check::Port => port(value),
        Check::Ports => ports(value),
        Check::PortsOrStar if value == "*" => Ok(()),
        Check::PortsOrStar => ports(value),
        Check::Cidrs => cidrs(value),
        Check::CidrsOrStar if value == "*" => Ok(()),
        Check::CidrsOrStar => cidrs(value),
        Check::Bool => match value {
            "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false"
            | "False" => Ok(()),
            _ => Err(format!("{value:?} is not a boolean")),
        },
        Check::InterceptionMode => match value {
            "REDIRECT" | "TPROXY" | "NONE" => Ok(()),
            _ => Err(format!(
                "{value:?} is not an interception mode (REDIRECT, TPROXY or NONE)"
            )),
        },
        Check::ProxyConfig => {
            if value.trim().is_empty() {
                return Ok(());
            }
            match serde_saphyr::from_str::<serde_json::Value>(value) {
                Ok(serde_json::Value::Object(_)) => Ok(()),
                Ok(_) => Err("the value is not a ProxyConfig mapping".to_owned()),
                Err(e) => Err(format!("the value is not valid YAML or JSON: {e}")),
            }
        }
    }
}

fn port(value: &str) -> Result<(), String> {
    value
        .trim()
        .parse::<u16>()
        .map(drop)
        .map_err(|_| format!("{value:?} is not a port number"))
}

fn ports(value: &str) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(());
    }
    value.split(',').try_for_each(port)
}

fn cidrs(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    value.split(',').try_for_each(|cidr| {
        let ok = cidr.split_once('/').is_some_and(|(ip, bits)| {
            let max = match ip.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(_)) => 32,
                Ok(std::net::IpAddr::V6(_)) => 128,
                Err(_) => return false,
            };
            !bits.starts_with('+') && bits.parse::<u8>().is_ok_and(|b| b <= max)
        });
        if ok {
            Ok(())
        } else {
            Err(format!("{cidr:?} is not a CIDR range"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(KNOWN.windows(2).all(|w| w[0].name < w[1].name));
        assert!(lookup("sidecar.istio.io/inject").is_some_and(|k| k.deprecated));
        assert!(lookup("networking.istio.io/exportThree").is_none());
    }

    #[test]
    fn validation() {
        assert!(validate(Check::UInt32, "10").is_ok());
        assert!(validate(Check::UInt32, "bar").is_err());
        assert!(validate(Check::Ports, "15020, 15021").is_ok());
        assert!(validate(Check::Ports, "80,x").is_err());
        assert!(validate(Check::PortsOrStar, "*").is_ok());
        assert!(validate(Check::CidrsOrStar, "*").is_ok());
        assert!(validate(Check::Cidrs, "10.0.0.0/8,fd00::/8").is_ok());
        assert!(validate(Check::Cidrs, "10.0.0.0/33").is_err());
        assert!(validate(Check::Cidrs, "10.0.0.1").is_err());
        assert!(validate(Check::Bool, "True").is_ok());
        assert!(validate(Check::Bool, "yes").is_err());
        assert!(validate(Check::InterceptionMode, "TPROXY").is_ok());
        assert!(validate(Check::InterceptionMode, "redirect").is_err());
        assert!(validate(Check::ProxyConfig, "{}").is_ok());
        assert!(validate(Check::ProxyConfig, "concurrency: 2").is_ok());
        assert!(validate(Check::ProxyConfig, "[1]").is_err());
    }
}
