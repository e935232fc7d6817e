//! The schema of the WorkloadEntry `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a WorkloadEntry.
pub fn spec() -> Schema {
    obj(vec![
        ("address", endpoint_address()),
        ("labels", map(string()).max_props(256)),
        ("locality", string().max_len(2048)),
        ("network", string().max_len(2048)),
        ("ports", named_ports()),
        ("serviceAccount", string().max_len(253)),
        ("weight", uint32()),
    ])
        .cel("has(self.address) || has(self.network)", "Address is required")
        .cel(r#"(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true"#, "UDS may not include ports")
}
