//! `service.PortNameAnalyzer`: Service ports whose protocol Istio cannot tell — no known
//! `<protocol>[-suffix]` name, no `appProtocol` it knows (IST0118) — and, on `ExternalName`
//! Services, ports Istio would treat as plain TCP or cannot tell (IST0150): the proxy forwards
//! such traffic to an external name only when it can tell it apart.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::protocol::{of_port, Protocol};
use crate::analyzers::util::workloads::{int_of, is_system_namespace};
use crate::catalog::codes::{IST0118, IST0150};
use crate::kinds::SERVICE;
use crate::message::Message;
use crate::resource::Resource;

/// True for Istio's own control-plane and gateway Services (labelled `istio`, or
/// `release: istio` by the Helm charts), whose ports are Istio's business.
fn is_istio_control_plane(svc: &Resource) -> bool {
    svc.label("istio").is_some() || svc.label("release") == Some("istio")
}

/// The protocol Istio gives a port of a Service spec.
fn protocol(port: Node<'_>) -> Protocol {
    let text = |k: &str| port.get(k).and_then(Node::as_str);
    let number = port
        .get("port")
        .and_then(int_of)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0);
    of_port(
        number,
        text("name").unwrap_or(""),
        text("protocol").unwrap_or(""),
        text("appProtocol"),
    )
}

crate::analyzer! {
    /// Checks that Service ports name their protocol (<protocol>[-suffix] or appProtocol), and
    /// that ExternalName Services do not expose ports Istio treats as plain TCP.
    name: "service.PortNameAnalyzer",
    inputs: [SERVICE],
    codes: [IST0118, IST0150],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    for (id, svc) in ctx.store.of_kind(SERVICE) {
        if is_system_namespace(&svc.namespace) || is_istio_control_plane(svc) {
            continue;
        }
        let external = svc.spec().get("type").and_then(Node::as_str) == Some("ExternalName");
        let ports = svc.spec().get("ports").and_then(Node::as_array);
        for (i, port) in ports.into_iter().flatten().enumerate() {
            let protocol = protocol(port);
            let field = format!("spec.ports[{i}]");
            if external {
                if matches!(protocol, Protocol::Tcp | Protocol::Unsupported) {
                    ctx.report(Message::new(IST0150, id, vec![]).at(field));
                }
                continue;
            }
            if protocol != Protocol::Unsupported {
                continue;
            }
            let name = port.get("name").and_then(Node::as_str).unwrap_or("");
            let number = port.get("port").map(render).unwrap_or_default();
            // Kubernetes defaults the targetPort to the port.
            let target = port
                .get("targetPort")
                .map(render)
                .filter(|t| !t.is_empty() && t != "0")
                .unwrap_or_else(|| number.clone());
            ctx.report(Message::new(IST0118, id, vec![name.to_owned(), number, target]).at(field));
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
    fn external_name_services_with_tcp_ports() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["service/external-name.yaml"]));
    }
}
