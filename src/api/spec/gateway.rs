//! The schema of the Gateway `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a Gateway.
pub fn spec() -> Schema {
    obj(vec![
        ("selector", map(string())),
        (
            "servers",
            arr(obj(vec![
                ("bind", string()),
                ("defaultEndpoint", string()),
                ("hosts", arr(string().check(Format::NamespacedHost))),
                ("name", string()),
                (
                    "port",
                    obj(vec![
                        ("name", string()),
                        ("number", uint32().check(Format::Port)),
                        ("protocol", string()),
                        ("targetPort", uint32()),
                    ])
                    .required(&["number", "protocol", "name"]),
                ),
                ("tls", server_tls()),
            ])
            .required(&["port", "hosts"])),
        ),
    ])
}
