//! The schema of the EnvoyFilter `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of an EnvoyFilter.
pub fn spec() -> Schema {
    obj(vec![
        ("configPatches", arr(obj(vec![
            ("applyTo", string().one_of_values(&["INVALID", "LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER", "ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE", "CLUSTER", "EXTENSION_CONFIG", "BOOTSTRAP", "LISTENER_FILTER"])),
            ("match", obj(vec![
                ("cluster", obj(vec![
                    ("name", string()),
                    ("portNumber", uint32()),
                    ("service", string()),
                    ("subset", string()),
                ])),
                ("context", string().one_of_values(&["ANY", "SIDECAR_INBOUND", "SIDECAR_OUTBOUND", "GATEWAY", "WAYPOINT"])),
                ("listener", obj(vec![
                    ("filterChain", obj(vec![
                        ("applicationProtocols", string()),
                        ("destinationPort", uint32()),
                        ("filter", filter_match()),
                        ("name", string()),
                        ("sni", string()),
                        ("transportProtocol", string()),
                    ])),
                    ("listenerFilter", string()),
                    ("name", string()),
                    ("portName", string()),
                    ("portNumber", uint32()),
                ])),
                ("proxy", obj(vec![
                    ("metadata", map(string())),
                    ("proxyVersion", string()),
                ])),
                ("routeConfiguration", obj(vec![
                    ("gateway", string()),
                    ("name", string()),
                    ("portName", string()),
                    ("portNumber", uint32()),
                    ("vhost", obj(vec![
                        ("domainName", string()),
                        ("name", string()),
                        ("route", obj(vec![
                            ("action", string().one_of_values(&["ANY", "ROUTE", "REDIRECT", "DIRECT_RESPONSE"])),
                            ("name", string()),
                        ])),
                    ])),
                ])),
                ("waypoint", obj(vec![
                    ("filter", filter_match()),
                    ("portNumber", uint32().cel("0 < self && self <= 6553", "port must be between 1-65535")),
                    ("route", obj(vec![
                        ("name", string()),
                    ])),
                ])),
            ])
                .at_most_one_of(&["listener", "routeConfiguration", "cluster", "waypoint"])
                .cel(r#"has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)"#, "only support waypointMatch when context is WAYPOINT")),
            ("patch", obj(vec![
                ("filterClass", string().one_of_values(&["UNSPECIFIED", "AUTHN", "AUTHZ", "STATS"])),
                ("operation", string().one_of_values(&["INVALID", "MERGE", "ADD", "REMOVE", "INSERT_BEFORE", "INSERT_AFTER", "INSERT_FIRST", "REPLACE"])),
                ("value", free_obj()),
            ])),
        ]))),
        ("priority", int32()),
        ("targetRefs", target_refs()),
        ("workloadSelector", obj(vec![
            ("labels", map(string().max_len(63).cel(r#"!self.contains("*")"#, "wildcard is not supported in selector"))
                .max_props(256)),
        ])),
    ])
        .cel("(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1", "only one of targetRefs or workloadSelector can be set")
}

/// Selects a network filter (and optionally one of its HTTP filters) by name.
pub fn filter_match() -> Schema {
    obj(vec![
        ("name", string()),
        ("subFilter", obj(vec![("name", string())])),
    ])
}
