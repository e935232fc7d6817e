//! Shapes shared by several Istio kinds.

use crate::api::schema::*;

/// TLS settings of a server port: mode, certificates, client verification.
pub fn server_tls() -> Schema {
    obj(vec![
        ("caCertCredentialName", string()),
        ("caCertificates", string()),
        ("caCrl", string()),
        ("cipherSuites", arr(string())),
        ("credentialName", string()),
        ("credentialNames", arr(string()).min_items(1).max_items(2)),
        ("httpsRedirect", boolean()),
        (
            "maxProtocolVersion",
            string().one_of_values(&["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"]),
        ),
        (
            "minProtocolVersion",
            string().one_of_values(&["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"]),
        ),
        (
            "mode",
            string().one_of_values(&[
                "PASSTHROUGH",
                "SIMPLE",
                "MUTUAL",
                "AUTO_PASSTHROUGH",
                "ISTIO_MUTUAL",
                "OPTIONAL_MUTUAL",
            ]),
        ),
        ("privateKey", string()),
        ("serverCertificate", string()),
        ("subjectAltNames", arr(string())),
        (
            "tlsCertificates",
            arr(tls_certificate()).min_items(1).max_items(2),
        ),
        ("verifyCertificateHash", arr(string())),
        ("verifyCertificateSpki", arr(string())),
    ])
    .cel(
        "(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1",
        "only one of credentialNames or tlsCertificates can be set",
    )
    .cel(
        "(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1",
        "only one of credentialName or credentialNames can be set",
    )
    .cel(
        "(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1",
        "only one of credentialName or tlsCertificates can be set",
    )
}

/// TCP and HTTP connection limits.
pub fn connection_pool() -> Schema {
    obj(vec![("http", http_pool()), ("tcp", tcp_pool())])
}

/// The status Istio writes back: conditions and analysis messages.
pub fn istio_status() -> Schema {
    obj(vec![
        ("conditions", conditions()),
        ("observedGeneration", int_or_string()),
        ("validationMessages", arr(analysis_message())),
    ])
    .preserve()
}

/// TCP connection limits and keepalive.
pub fn tcp_pool() -> Schema {
    obj(vec![
        (
            "connectTimeout",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("idleTimeout", string()),
        (
            "maxConnectionDuration",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("maxConnections", int32()),
        ("tcpKeepalive", tcp_keepalive()),
    ])
}

/// HTTP/1.1 and HTTP/2 connection and request limits.
pub fn http_pool() -> Schema {
    obj(vec![
        (
            "h2UpgradePolicy",
            string().one_of_values(&["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"]),
        ),
        ("http1MaxPendingRequests", int32()),
        ("http2MaxRequests", int32()),
        (
            "idleTimeout",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("maxConcurrentStreams", int32()),
        ("maxRequestsPerConnection", int32()),
        ("maxRetries", int32()),
        ("useClientProtocol", boolean()),
    ])
}

/// Resources (e.g. Gateways, Services) a policy attaches to.
pub fn target_refs() -> Schema {
    arr(policy_target_ref()).max_items(16)
}

/// A reference to one resource a policy attaches to.
pub fn policy_target_ref() -> Schema {
    obj(vec![
        (
            "group",
            string()
                .max_len(253)
                .pattern(r#"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#),
        ),
        (
            "kind",
            string()
                .min_len(1)
                .max_len(63)
                .pattern("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"),
        ),
        ("name", string().min_len(1).max_len(253)),
        (
            "namespace",
            string().cel(
                "self.size() == 0",
                "cross namespace referencing is not currently supported",
            ),
        ),
    ])
    .required(&["kind", "name"])
}

/// Selects workloads by their labels.
pub fn workload_selector() -> Schema {
    obj(vec![("matchLabels", match_labels())])
}

/// Labels a workload must carry (no wildcards, no empty keys).
pub fn match_labels() -> Schema {
    map(string().max_len(63).cel(
        r#"!self.contains("*")"#,
        "wildcard not allowed in label value match",
    ))
    .max_props(4096)
    .cel(
        r#"self.all(key, !key.contains("*"))"#,
        "wildcard not allowed in label key match",
    )
    .cel("self.all(key, key.size() != 0)", "key must not be empty")
}

/// TCP keepalive probes on upstream connections.
pub fn tcp_keepalive() -> Schema {
    obj(vec![
        (
            "interval",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
        ("probes", uint32()),
        (
            "time",
            string().cel(
                "duration(self) >= duration('1ms')",
                "must be a valid duration greater than 1ms",
            ),
        ),
    ])
}

/// Conditions of the resource.
pub fn conditions() -> Schema {
    arr(condition())
}

/// Port numbers by port name.
pub fn named_ports() -> Schema {
    map(uint32().cel("0 < self && self <= 65535", "port must be between 1-65535"))
        .max_props(128)
        .cel(r#"self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))"#, "port name must be valid")
}

/// One condition of the resource.
pub fn condition() -> Schema {
    obj(vec![
        ("lastProbeTime", string().format("date-time")),
        ("lastTransitionTime", string().format("date-time")),
        ("message", string()),
        ("observedGeneration", int_or_string()),
        ("reason", string()),
        ("status", string()),
        ("type", string()),
    ])
}

/// An IP, host name or Unix domain socket (`unix://`) address.
pub fn endpoint_address() -> Schema {
    string()
        .max_len(256)
        .cel(r#"self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true"#, "UDS must be an absolute path or abstract socket")
        .cel(r#"self.startsWith("unix://") ? !self.endsWith("/") : true"#, "UDS may not be a dir")
}

/// One analysis message attached to the resource.
pub fn analysis_message() -> Schema {
    obj(vec![
        ("documentationUrl", string()),
        (
            "level",
            string().one_of_values(&["UNKNOWN", "ERROR", "WARNING", "INFO"]),
        ),
        ("type", message_type()),
    ])
}

/// A service (and optionally subset and port) traffic is sent to.
pub fn destination() -> Schema {
    obj(vec![
        ("host", string().check(Format::Host)),
        ("port", obj(vec![("number", uint32())])),
        ("subset", string()),
    ])
    .required(&["host"])
}

/// Certificate, key and CA files given by path.
pub fn tls_certificate() -> Schema {
    obj(vec![
        ("caCertificates", string()),
        ("privateKey", string()),
        ("serverCertificate", string()),
    ])
}

/// The code and name of an analysis message.
pub fn message_type() -> Schema {
    obj(vec![("code", string()), ("name", string())])
}
