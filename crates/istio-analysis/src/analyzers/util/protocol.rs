//! The protocol Istio gives a Service port: from its `protocol`, `appProtocol` or name
//! prefix, as Istio's Kubernetes service conversion decides it.

/// A protocol Istio tells apart on a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Plain TCP (also the fallback of a few well-known ports).
    Tcp,
    /// UDP, which Istio passes through.
    Udp,
    /// gRPC.
    Grpc,
    /// gRPC-Web.
    GrpcWeb,
    /// HTTP/1.1.
    Http,
    /// An HTTP proxy.
    HttpProxy,
    /// HTTP/2 over cleartext.
    Http2,
    /// HTTPS.
    Https,
    /// TLS.
    Tls,
    /// MongoDB.
    Mongo,
    /// Redis.
    Redis,
    /// MySQL.
    Mysql,
    /// HBONE, the ambient tunnel.
    Hbone,
    /// Not named: Istio sniffs it (or, where it cannot, treats it as opaque TCP).
    Unsupported,
}

/// Ports whose unnamed traffic Istio treats as TCP rather than sniffing it (SMTP, DNS, MySQL,
/// MongoDB: their servers talk first, which sniffing would break).
const WELL_KNOWN_TCP_PORTS: [u64; 4] = [25, 53, 3306, 27017];

/// The protocol named by `name` (case-insensitive), if Istio knows it.
pub fn parse(name: &str) -> Protocol {
    match name.to_ascii_lowercase().as_str() {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "grpc" => Protocol::Grpc,
        "grpc-web" => Protocol::GrpcWeb,
        "http" => Protocol::Http,
        "http_proxy" => Protocol::HttpProxy,
        "http2" => Protocol::Http2,
        "https" => Protocol::Https,
        "tls" => Protocol::Tls,
        "mongo" => Protocol::Mongo,
        "redis" => Protocol::Redis,
        "mysql" => Protocol::Mysql,
        "hbone" => Protocol::Hbone,
        _ => Protocol::Unsupported,
    }
}

/// The protocol of a Service port: UDP for `protocol: UDP`; else the `appProtocol` when it is
/// set (Kubernetes' `kubernetes.io/h2c`, `kubernetes.io/ws` and `kubernetes.io/wss` included),
/// else the port name; a name counts by its prefix before the first `-` (`http-web` is HTTP,
/// `grpc-web…` gRPC-Web). An unnamed port of SMTP, DNS, MySQL or MongoDB is TCP.
pub fn of_port(number: u64, name: &str, protocol: &str, app_protocol: Option<&str>) -> Protocol {
    if protocol == "UDP" {
        return Protocol::Udp;
    }
    let mut name = name;
    if let Some(app) = app_protocol {
        match app {
            "kubernetes.io/h2c" => return Protocol::Http2,
            "kubernetes.io/ws" => return Protocol::Http,
            "kubernetes.io/wss" => return Protocol::Https,
            _ => name = app,
        }
    }
    if name.to_ascii_lowercase().starts_with("grpc-web") {
        return Protocol::GrpcWeb;
    }
    let prefix = name.split_once('-').map_or(name, |(p, _)| p);
    match parse(prefix) {
        Protocol::Unsupported if WELL_KNOWN_TCP_PORTS.contains(&number) => Protocol::Tcp,
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(of_port(80, "http-web", "TCP", None), Protocol::Http);
        assert_eq!(of_port(80, "HTTP2", "", None), Protocol::Http2);
        assert_eq!(of_port(80, "grpc-web-x", "", None), Protocol::GrpcWeb);
        assert_eq!(of_port(80, "httpx", "", None), Protocol::Unsupported);
        assert_eq!(of_port(80, "", "", None), Protocol::Unsupported);
        assert_eq!(of_port(3306, "", "", None), Protocol::Tcp);
        assert_eq!(of_port(80, "web", "UDP", None), Protocol::Udp);
        // appProtocol wins over the name, also when Istio does not know it.
        assert_eq!(of_port(80, "web", "", Some("grpc")), Protocol::Grpc);
        assert_eq!(
            of_port(80, "http", "", Some("custom")),
            Protocol::Unsupported
        );
        assert_eq!(
            of_port(80, "", "", Some("kubernetes.io/h2c")),
            Protocol::Http2
        );
    }
}
