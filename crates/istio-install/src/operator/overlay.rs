//! Deep merge of IstioOperator trees, as istioctl merges profiles and `-f` files.
//!
//! Maps merge key by key; an explicit `null` removes the key. Lists replace the base list,
//! except `components.ingressGateways` and `components.egressGateways`, whose entries merge
//! by `name` (new names are appended).

use serde_json::Value;

/// Merges `overlay` into the `spec` tree `base`.
pub fn merge_spec(base: &mut Value, overlay: Value) {
    merge_at(base, overlay, &mut Vec::new());
}

/// Merges `overlay` into `base` with plain semantics: maps merge, everything else replaces.
pub fn merge(base: &mut Value, overlay: Value) {
    merge_at(base, overlay, &mut vec!["-"]);
}

fn merge_at(base: &mut Value, overlay: Value, path: &mut Vec<&'static str>) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (key, value) in o {
                if value.is_null() {
                    b.remove(&key);
                    continue;
                }
                match b.get_mut(&key) {
                    Some(slot) => {
                        // Path entries only matter for the two gateway lists.
                        let tag: &'static str = match key.as_str() {
                            "components" => "components",
                            "ingressGateways" => "ingressGateways",
                            "egressGateways" => "egressGateways",
                            _ => "",
                        };
                        path.push(tag);
                        merge_at(slot, value, path);
                        path.pop();
                    }
                    None => {
                        b.insert(key, value);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(o)) if is_gateway_list(path) => {
            for item in o {
                let name = item.get("name").cloned();
                let existing = name
                    .as_ref()
                    .and_then(|n| b.iter_mut().find(|e| e.get("name") == Some(n)));
                match existing {
                    Some(slot) => merge_at(slot, item, &mut vec!["-"]),
                    None => b.push(item),
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

fn is_gateway_list(path: &[&str]) -> bool {
    matches!(path, ["components", "ingressGateways" | "egressGateways"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_merge_and_lists_replace() {
        let mut base = json!({"values": {"a": 1, "b": [1, 2], "c": {"d": 1}}});
        merge_spec(
            &mut base,
            json!({"values": {"b": [3], "c": {"e": 2}, "a": null}}),
        );
        assert_eq!(base, json!({"values": {"b": [3], "c": {"d": 1, "e": 2}}}));
    }

    #[test]
    fn gateways_merge_by_name() {
        let mut base = json!({"components": {"ingressGateways": [
            {"name": "istio-ingressgateway", "enabled": true}
        ]}});
        merge_spec(
            &mut base,
            json!({"components": {"ingressGateways": [
                {"name": "istio-ingressgateway", "k8s": {"replicaCount": 2}},
                {"name": "extra", "enabled": true}
            ]}}),
        );
        assert_eq!(
            base,
            json!({"components": {"ingressGateways": [
                {"name": "istio-ingressgateway", "enabled": true, "k8s": {"replicaCount": 2}},
                {"name": "extra", "enabled": true}
            ]}})
        );
    }
}
