//! The schema of the ServiceEntry `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a ServiceEntry.
pub fn spec() -> Schema {
    obj(vec![
        ("addresses", arr(string().max_len(64)).max_items(256)),
        ("endpoints", arr(obj(vec![
            ("address", endpoint_address()),
            ("labels", map(string()).max_props(256)),
            ("locality", string().max_len(2048)),
            ("network", string().max_len(2048)),
            ("ports", named_ports()),
            ("serviceAccount", string().max_len(253)),
            ("weight", uint32()),
        ])
            .cel("has(self.address) || has(self.network)", "Address is required")
            .cel(r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"#, "UDS may not include ports"))
            .max_items(4096)),
        ("exportTo", arr(string())),
        ("hosts", arr(string().check(Format::Host).cel(r#"self != "*""#, "hostname cannot be wildcard"))
            .min_items(1)
            .max_items(256)),
        ("location", string().one_of_values(&["MESH_EXTERNAL", "MESH_INTERNAL"])),
        ("ports", arr(obj(vec![
            ("name", string().max_len(256)),
            ("number", uint32().cel("0 < self && self <= 65535", "port must be between 1-65535")),
            ("protocol", string().max_len(256)),
            ("targetPort", uint32().cel("0 < self && self <= 65535", "port must be between 1-65535")),
        ])
            .required(&["number", "name"]))
            .max_items(256)
            .list_type("map")
            .list_map_keys(&["name"])
            .cel("self.all(l1, self.exists_one(l2, l1.number == l2.number))", "port number cannot be duplicated")),
        ("resolution", string().one_of_values(&["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"])),
        ("subjectAltNames", arr(string())),
        ("workloadSelector", obj(vec![
            ("labels", map(string().max_len(63).cel(r#"!self.contains("*")"#, "wildcard is not supported in selector"))
                .max_props(256)),
        ])),
    ])
        .required(&["hosts"])
        .cel("(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1", "only one of WorkloadSelector or Endpoints can be set")
        .cel(r#"!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))"#, "CIDR addresses are allowed only for NONE/STATIC resolution types")
        .cel(r#"((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true"#, "NONE mode cannot set endpoints")
        .cel(r#"((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true"#, "DNS_ROUND_ROBIN mode cannot have multiple endpoints")
}
