//! The schema of the PeerAuthentication `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a PeerAuthentication.
pub fn spec() -> Schema {
    obj(vec![
        ("mtls", obj(vec![
            ("mode", string().one_of_values(&["UNSET", "DISABLE", "PERMISSIVE", "STRICT"])),
        ])),
        ("portLevelMtls", map(obj(vec![
            ("mode", string().one_of_values(&["UNSET", "DISABLE", "PERMISSIVE", "STRICT"])),
        ]))
            .min_props(1)
            .cel("self.all(key, 0 < int(key) && int(key) <= 65535)", "port must be between 1-65535")),
        ("selector", workload_selector()),
    ])
        .cel("has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true", "portLevelMtls requires selector")
}
