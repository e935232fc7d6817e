//! Kubernetes objects as injection templates see them: Go structs with Go field names
//! (`.ObjectMeta.Annotations`, `.Spec.Containers`, `$c.Ports`), zero values for absent
//! fields, and the JSON encoding `structToJSON` writes.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::template::funcs::typed_number;
use crate::template::value::{StructValue, Value};

/// Go's field name for a JSON field name of a Kubernetes type.
fn go_name(json: &str) -> String {
    match json {
        "apiVersion" => "APIVersion".into(),
        "uid" => "UID".into(),
        "ip" => "IP".into(),
        "dnsPolicy" => "DNSPolicy".into(),
        "dnsConfig" => "DNSConfig".into(),
        "httpGet" => "HTTPGet".into(),
        "httpHeaders" => "HTTPHeaders".into(),
        "tcpSocket" => "TCPSocket".into(),
        "grpc" => "GRPC".into(),
        "fsGroup" => "FSGroup".into(),
        "fsGroupChangePolicy" => "FSGroupChangePolicy".into(),
        "seLinuxOptions" => "SELinuxOptions".into(),
        "hostPID" => "HostPID".into(),
        "hostIPC" => "HostIPC".into(),
        "ttlSecondsAfterFinished" => "TTLSecondsAfterFinished".into(),
        "url" => "URL".into(),
        "externalIPs" => "ExternalIPs".into(),
        "clusterIP" => "ClusterIP".into(),
        "clusterIPs" => "ClusterIPs".into(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        }
    }
}

/// Fields that are Go maps (`map[string]string` and friends), not structs.
const MAP_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "nodeSelector",
    "matchLabels",
    "limits",
    "requests",
    "data",
    "binaryData",
    "stringData",
    "overhead",
    "volumeAttributes",
    "selector",
];

/// The zero-valued fields of the Kubernetes types templates read, by JSON name.
fn zero_fields(type_name: &str) -> &'static [(&'static str, Zero)] {
    match type_name {
        "v1.ObjectMeta" => &[
            ("name", Zero::Str),
            ("generateName", Zero::Str),
            ("namespace", Zero::Str),
            ("labels", Zero::StrMap),
            ("annotations", Zero::StrMap),
        ],
        "v1.PodSpec" => &[
            ("containers", Zero::List),
            ("initContainers", Zero::List),
            ("volumes", Zero::List),
            ("imagePullSecrets", Zero::List),
            ("serviceAccountName", Zero::Str),
            ("nodeName", Zero::Str),
            ("hostNetwork", Zero::Bool),
        ],
        "v1.Container" => &[
            ("name", Zero::Str),
            ("image", Zero::Str),
            ("ports", Zero::List),
            ("env", Zero::List),
            ("args", Zero::List),
            ("command", Zero::List),
            ("volumeMounts", Zero::List),
        ],
        "v1.ContainerPort" => &[
            ("name", Zero::Str),
            ("hostPort", Zero::Int),
            ("containerPort", Zero::Int),
            ("protocol", Zero::Str),
            ("hostIP", Zero::Str),
        ],
        _ => &[],
    }
}

#[derive(Clone, Copy)]
enum Zero {
    Str,
    Int,
    Bool,
    List,
    StrMap,
}

/// The Go type of a field's elements, for the types whose zero fields matter.
fn child_type(parent: &str, field: &str) -> &'static str {
    match (parent, field) {
        ("v1.PodSpec", "containers" | "initContainers" | "ephemeralContainers") => "v1.Container",
        ("v1.Container", "ports") => "v1.ContainerPort",
        _ => "",
    }
}

/// Converts Kubernetes JSON of the Go type `type_name` (e.g. `v1.ObjectMeta`) to a template
/// value.
pub fn k8s_value(v: &Json, type_name: &'static str) -> Value {
    match v {
        Json::Object(m) => struct_value(m, type_name),
        Json::Array(a) => Value::list(a.iter().map(|x| k8s_value(x, type_name)).collect()),
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => typed_number(n),
        Json::String(s) => Value::str(s),
    }
}

fn struct_value(m: &Map<String, Json>, type_name: &'static str) -> Value {
    let mut fields: Vec<(Arc<str>, Value)> = Vec::with_capacity(m.len() + 4);
    for (k, v) in m {
        let value = if MAP_FIELDS.contains(&k.as_str()) {
            match v {
                Json::Object(o) => Value::string_map(
                    o.iter()
                        .map(|(k, v)| (k.clone(), Value::str(v.as_str().unwrap_or_default())))
                        .collect(),
                ),
                _ => Value::string_map(BTreeMap::new()),
            }
        } else {
            let child = child_type(type_name, k);
            k8s_value(v, if child.is_empty() { "struct" } else { child })
        };
        fields.push((Arc::from(go_name(k).as_str()), value));
    }
    for (k, zero) in zero_fields(type_name) {
        let name = go_name(k);
        let present = m.get(*k).is_some_and(|v| !v.is_null());
        if present {
            continue;
        }
        fields.retain(|(n, _)| n.as_ref() != name);
        fields.push((
            Arc::from(name.as_str()),
            match zero {
                Zero::Str => Value::str(""),
                Zero::Int => Value::Int(0),
                Zero::Bool => Value::Bool(false),
                Zero::List => Value::list(Vec::new()),
                Zero::StrMap => Value::string_map(BTreeMap::new()),
            },
        ));
    }
    let json = if type_name == "v1.ContainerPort" {
        container_port_json(m)
    } else {
        Json::Object(m.clone())
    };
    Value::Struct(Rc::new(StructValue {
        type_name,
        fields,
        display: None,
        json: Some(Rc::new(json)),
    }))
}

/// A container port as Go encodes it: fields in declaration order, zero values omitted
/// except the port number.
fn container_port_json(m: &Map<String, Json>) -> Json {
    let mut out = Map::new();
    let nonzero = |v: &Json| match v {
        Json::String(s) => !s.is_empty(),
        Json::Number(n) => n.as_f64() != Some(0.0),
        Json::Null => false,
        _ => true,
    };
    for k in ["name", "hostPort", "containerPort", "protocol", "hostIP"] {
        match m.get(k) {
            Some(v) if k == "containerPort" || nonzero(v) => {
                out.insert(k.into(), v.clone());
            }
            None if k == "containerPort" => {
                out.insert(k.into(), Json::from(0));
            }
            _ => {}
        }
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;
    use serde_json::json;

    #[test]
    fn pods_read_like_go_structs() {
        let spec = k8s_value(
            &json!({"containers": [{"name": "app", "ports": [{"containerPort": 80, "name": "http"}]}]}),
            "v1.PodSpec",
        );
        let mut fields = BTreeMap::new();
        fields.insert("Spec".to_string(), spec);
        let data = Value::map(fields);
        let t = Template::parse(
            "t",
            "{{ range .Spec.Containers }}{{ .Name }}{{ range .Ports }}{{ structToJSON . }}{{ end }}{{ end }}|{{ eq .Spec.ServiceAccountName \"\" }}",
        )
        .unwrap();
        assert_eq!(
            t.render(&data).unwrap(),
            r#"app{"name":"http","containerPort":80}|true"#
        );
    }
}
