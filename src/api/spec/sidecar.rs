//! The schema of the Sidecar `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a Sidecar.
pub fn spec() -> Schema {
    obj(vec![
        (
            "egress",
            arr(obj(vec![
                ("bind", string()),
                (
                    "captureMode",
                    string().one_of_values(&["DEFAULT", "IPTABLES", "NONE"]),
                ),
                ("hosts", arr(string().check(Format::NamespaceSlashHost))),
                ("port", listener_port()),
            ])
            .required(&["hosts"])),
        ),
        ("inboundConnectionPool", connection_pool()),
        (
            "ingress",
            arr(obj(vec![
                ("bind", string()),
                (
                    "captureMode",
                    string().one_of_values(&["DEFAULT", "IPTABLES", "NONE"]),
                ),
                ("connectionPool", connection_pool()),
                ("defaultEndpoint", string()),
                ("port", listener_port()),
                ("tls", server_tls()),
            ])
            .required(&["port"])),
        ),
        (
            "outboundTrafficPolicy",
            obj(vec![
                ("egressProxy", destination()),
                (
                    "mode",
                    string().one_of_values(&["REGISTRY_ONLY", "ALLOW_ANY"]),
                ),
            ]),
        ),
        (
            "workloadSelector",
            obj(vec![(
                "labels",
                map(string().max_len(63).cel(
                    r#"!self.contains("*")"#,
                    "wildcard is not supported in selector",
                ))
                .max_props(256),
            )]),
        ),
    ])
}

/// The port a listener binds to.
pub fn listener_port() -> Schema {
    obj(vec![
        ("name", string()),
        ("number", uint32()),
        ("protocol", string()),
        ("targetPort", uint32()),
    ])
}
