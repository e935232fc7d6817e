//! `validate` reads YAML as Kubernetes does (sigs.k8s.io/yaml over go-yaml v2) and checks lists
//! as the API server does: colons in flow scalars, YAML 1.1 booleans, `null` list items and
//! unique list-map keys; and it knows the fields and kinds new in Istio 1.30.3. Each case is a
//! configuration of ours that Istio accepts or rejects.

use istio_api::text::{validate_text, Problem};
use istio_api::Level;

fn problems(text: &str) -> Vec<(u32, String, String)> {
    validate_text(text)
        .into_iter()
        .map(
            |Problem {
                 line,
                 path,
                 message,
                 level,
             }| {
                assert_eq!(level, Level::Error, "{path}: {message}");
                (line.unwrap_or(0), path, message)
            },
        )
        .collect()
}

fn service_entry(spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext\n  namespace: default\nspec:\n{spec}"
    )
}

#[test]
fn ipv6_addresses_in_a_flow_list_are_strings() {
    let text = service_entry(
        "  hosts: [ext.example.com]\n  addresses: [1.2.3.4, 2001:db8::, fe80::]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n  endpoints: [{address: 1.2.3.4}]\n",
    );
    assert_eq!(problems(&text), vec![]);
}

#[test]
fn yaml_1_1_booleans_are_booleans() {
    // `on` is a boolean for Kubernetes, not the string a string field needs.
    let text = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"*\"]\n    bind: on\n";
    assert_eq!(
        problems(text),
        vec![(
            9,
            "spec.servers[0].bind".to_owned(),
            "must be a string, not a boolean (true); quote the value".to_owned()
        )]
    );
    // And `yes` where a boolean is wanted is accepted.
    let text = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: dr\nspec:\n  host: reviews\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n      insecureSkipVerify: yes\n";
    assert_eq!(problems(text), vec![]);
}

#[test]
fn a_null_item_in_a_list_of_objects_is_refused() {
    let text = service_entry(
        "  hosts: [ext.example.com]\n  ports:\n  - number: 80\n    name: http\n    protocol: HTTP\n  -\n  resolution: DNS\n",
    );
    assert_eq!(
        problems(&text),
        vec![(
            12,
            "spec.ports[1]".to_owned(),
            "must be of type object, not null; remove the empty item".to_owned()
        )]
    );
}

#[test]
fn list_map_keys_must_be_unique() {
    // ServiceEntry ports are keyed by name: two ports named `http` are one too many, whatever
    // their numbers.
    let text = service_entry(
        "  hosts: [ext.example.com]\n  ports:\n  - {number: 80, name: http, protocol: HTTP}\n  - {number: 8080, name: http, protocol: HTTP}\n  - {number: 9090, name: metrics, protocol: HTTP}\n  resolution: DNS\n",
    );
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0, 10);
    assert_eq!(got[0].1, "spec.ports[1]");
    assert!(
        got[0].2.starts_with("Duplicate value: {\"name\":\"http\"}"),
        "{}",
        got[0].2
    );
}

#[test]
fn fields_and_kinds_new_in_1_30_3_are_known() {
    let text = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: peers\nspec:\n  action: DENY\n  rules:\n  - from:\n    - source:\n        trustDomains: [partner.example]\n        notTrustDomains: [cluster.local]\n";
    assert_eq!(problems(text), vec![]);
    // TrafficExtension's own CEL rule, with the CRD's message (and the schema's one-of, as the
    // API server reports both).
    let text = "apiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata:\n  name: both\nspec:\n  lua:\n    inlineCode: \"function envoy_on_request(h) end\"\n  wasm:\n    url: oci://ghcr.io/example/filter:v1\n";
    assert_eq!(
        problems(text),
        vec![
            (
                5,
                "spec".to_owned(),
                "exactly one of wasm or lua must be set".to_owned()
            ),
            (
                6,
                "spec.lua".to_owned(),
                "\"lua\" conflicts with \"wasm\": only one of \"wasm\", \"lua\" may be set; keep one"
                    .to_owned()
            )
        ]
    );
    // And its URL rule: only http, https, oci and file.
    let text = "apiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata:\n  name: ftp\nspec:\n  wasm:\n    url: ftp://example.com/filter.wasm\n";
    let got = problems(text);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].0, got[0].1.as_str()), (7, "spec.wasm.url"));
}
