//! `gateway.CertificateAnalyzer`: Gateways that serve the same certificate as another Gateway
//! on the same workload (the other's selector contains this one's). Clients reusing an HTTP/2
//! connection for both hosts then get 404s.

use std::collections::HashMap;

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::workloads::labels_match;
use crate::catalog::codes::IST0138;
use crate::kinds::GATEWAY;
use crate::message::Message;
use crate::resource::ResourceId;
use istio_core::tree::Map as TreeMap;

/// What identifies a server's certificate: its credentialName, else its serverCertificate file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Certificate<'s> {
    Credential(&'s str),
    File(&'s str),
}

fn certificates(gw: Node<'_>) -> Vec<Certificate<'_>> {
    let servers = gw.get("servers").and_then(Node::as_array);
    let mut certs: Vec<Certificate<'_>> = servers
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("tls"))
        .filter_map(|tls| {
            let field = |f: &str| tls.get(f).and_then(Node::as_str).filter(|v| !v.is_empty());
            field("credentialName")
                .map(Certificate::Credential)
                .or_else(|| field("serverCertificate").map(Certificate::File))
        })
        .collect();
    certs.dedup();
    certs
}

crate::analyzer! {
    /// Checks that Gateways on the same workload do not serve the same certificate.
    name: "gateway.CertificateAnalyzer",
    inputs: [GATEWAY],
    codes: [IST0138],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    let mut by_cert: HashMap<Certificate<'_>, Vec<ResourceId>> = HashMap::new();
    for (id, gw) in store.of_kind(GATEWAY) {
        for cert in certificates(gw.spec()) {
            let ids = by_cert.entry(cert).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }
    let selector = |id: ResourceId| {
        store
            .get(id)
            .spec()
            .get("selector")
            .and_then(Node::as_object)
            .unwrap_or(TreeMap::empty())
    };
    for (id, gw) in store.of_kind(GATEWAY) {
        let mine = selector(id);
        let mut others: Vec<ResourceId> = certificates(gw.spec())
            .iter()
            .filter_map(|c| by_cert.get(c))
            .flatten()
            .copied()
            .filter(|&o| o != id && labels_match(mine, selector(o)))
            .collect();
        others.sort_unstable();
        others.dedup();
        for other in others {
            ctx.report(
                Message::new(
                    IST0138,
                    id,
                    vec![format!(
                        "{}, {}",
                        gw.full_name(),
                        store.get(other).full_name()
                    )],
                )
                .at("metadata.name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_shared_certificates_on_one_workload() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["gateway/certificates.yaml"]));
    }
}
