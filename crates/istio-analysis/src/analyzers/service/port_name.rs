//! `service.PortNameAnalyzer`: Service ports whose name (or appProtocol) does not tell Istio the
//! protocol, so that it falls back to protocol sniffing.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::IST0118;
use crate::kinds::SERVICE;
use crate::message::Message;

/// Namespaces of the platform itself, whose Services are not checked.
const SYSTEM_NAMESPACES: [&str; 4] = [
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "istio-system",
];

/// Protocols Istio recognizes in a port name prefix or appProtocol.
const PROTOCOLS: [&str; 13] = [
    "grpc",
    "grpc-web",
    "http",
    "http2",
    "https",
    "mongo",
    "mysql",
    "redis",
    "tcp",
    "tls",
    "udp",
    "hbone",
    "http_proxy",
];

/// Label of Services that Istio's gateway controller manages itself.
const MANAGED_GATEWAY_LABEL: &str = "gateway.istio.io/managed";

/// True when `name` is `<protocol>` or `<protocol>-<suffix>` for a protocol Istio knows.
pub fn names_protocol(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    PROTOCOLS.iter().any(|p| {
        name == *p
            || name
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

crate::analyzer! {
    /// Checks that Service port names follow Istio's <protocol>[-suffix] convention.
    name: "service.PortNameAnalyzer",
    inputs: [SERVICE],
    codes: [IST0118],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    for (id, svc) in ctx.store.of_kind(SERVICE) {
        if SYSTEM_NAMESPACES.contains(&&*svc.namespace)
            || svc.label("istio").is_some()
            || svc.label(MANAGED_GATEWAY_LABEL).is_some()
        {
            continue;
        }
        let ports = svc.spec().get("ports").and_then(Node::as_array);
        for (i, port) in ports.into_iter().flatten().enumerate() {
            let app_protocol = port.get("appProtocol").and_then(Node::as_str).unwrap_or("");
            let name = port.get("name").and_then(Node::as_str).unwrap_or("");
            if names_protocol(app_protocol) || names_protocol(name) {
                continue;
            }
            let number = port.get("port").map(render).unwrap_or_default();
            let target = port
                .get("targetPort")
                .map(render)
                .unwrap_or_else(|| number.clone());
            ctx.report(
                Message::new(IST0118, id, vec![name.to_owned(), number, target])
                    .at(format!("spec.ports[{i}]")),
            );
        }
    }
}

fn render(value: Node<'_>) -> String {
    value.text().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_unnamed_and_unconventional_ports_with_their_lines() {
        let found = analyze(&ANALYZER, &["service/port-names.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn prefixes() {
        assert!(names_protocol("http"));
        assert!(names_protocol("HTTP-web"));
        assert!(names_protocol("grpc-web"));
        assert!(!names_protocol("httpx"));
        assert!(!names_protocol(""));
    }
}
