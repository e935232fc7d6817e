//! The schema of the ProxyConfig `spec`.

use super::shared::*;
use crate::api::schema::*;

/// The `spec` of a ProxyConfig.
pub fn spec() -> Schema {
    obj(vec![
        ("concurrency", int32().min(0).nullable()),
        ("environmentVariables", map(string().max_len(2048))),
        ("image", obj(vec![("imageType", string())])),
        ("selector", workload_selector()),
    ])
}
