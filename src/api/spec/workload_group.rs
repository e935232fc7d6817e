//! The schema of the WorkloadGroup `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a WorkloadGroup.
pub fn spec() -> Schema {
    obj(vec![
        ("metadata", obj(vec![
            ("annotations", map(string()).max_props(256)),
            ("labels", map(string()).max_props(256)),
        ])),
        ("probe", obj(vec![
            ("exec", obj(vec![
                ("command", arr(string().min_len(1))),
            ])
                .required(&["command"])),
            ("failureThreshold", int32().min(0)),
            ("grpc", obj(vec![
                ("port", uint32().cel("0 < self && self <= 65535", "port must be between 1-65535")),
                ("service", string()),
            ])),
            ("httpGet", obj(vec![
                ("host", string()),
                ("httpHeaders", arr(obj(vec![
                    ("name", string().pattern("^[-_A-Za-z0-9]+$")),
                    ("value", string()),
                ]))),
                ("path", string()),
                ("port", uint32().cel("0 < self && self <= 65535", "port must be between 1-65535")),
                ("scheme", string().cel(r#"self in ["", "HTTP", "HTTPS"]"#, "scheme must be one of [HTTP, HTTPS]")),
            ])
                .required(&["port"])),
            ("initialDelaySeconds", int32().min(0)),
            ("periodSeconds", int32().min(0)),
            ("successThreshold", int32().min(0)),
            ("tcpSocket", obj(vec![
                ("host", string()),
                ("port", uint32().cel("0 < self && self <= 65535", "port must be between 1-65535")),
            ])
                .required(&["port"])),
            ("timeoutSeconds", int32().min(0)),
        ])
            .at_most_one_of(&["httpGet", "tcpSocket", "exec", "grpc"])),
        ("template", obj(vec![
            ("address", endpoint_address()),
            ("labels", map(string()).max_props(256)),
            ("locality", string().max_len(2048)),
            ("network", string().max_len(2048)),
            ("ports", named_ports()),
            ("serviceAccount", string().max_len(253)),
            ("weight", uint32()),
        ])
            .cel(r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"#, "UDS may not include ports")),
    ])
        .required(&["template"])
}
