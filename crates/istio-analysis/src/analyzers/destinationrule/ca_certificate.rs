//! `destinationrule.CaCertificateAnalyzer`: TLS origination (`SIMPLE` or `MUTUAL`) without
//! `caCertificates` does not verify the server's certificate.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::hosts::items;
use crate::catalog::codes::{IST0128, IST0129};
use crate::kinds::DESTINATION_RULE;
use crate::message::Message;
use crate::resource::Resource;

crate::analyzer! {
    /// Checks that DestinationRules originating TLS set caCertificates to verify servers.
    name: "destinationrule.CaCertificateAnalyzer",
    inputs: [DESTINATION_RULE],
    codes: [IST0128, IST0129],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    for (id, dr) in ctx.store.of_kind(DESTINATION_RULE) {
        let policy = dr.spec().get("trafficPolicy");
        let host = dr.spec().get("host").and_then(Node::as_str).unwrap_or("");
        let base = || vec![dr.name.to_string(), dr.namespace.to_string()];
        if let Some(mode) = unverified(dr, policy.and_then(|p| p.get("tls"))) {
            let mut args = base();
            args.extend([mode.to_owned(), host.to_owned()]);
            ctx.report(Message::new(IST0128, id, args).at("spec.trafficPolicy.tls.mode"));
        }
        let ports = items(policy.and_then(|p| p.get("portLevelSettings")));
        for (i, setting) in ports.enumerate() {
            if let Some(mode) = unverified(dr, setting.get("tls")) {
                let port = setting
                    .get("port")
                    .and_then(|p| p.get("number"))
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                let mut args = base();
                args.extend([mode.to_owned(), host.to_owned(), port]);
                let field = format!("spec.trafficPolicy.portLevelSettings[{i}].tls.mode");
                ctx.report(Message::new(IST0129, id, args).at(field));
            }
        }
    }
}

/// The TLS mode of `tls` when it originates TLS without a way to verify the server: no
/// `caCertificates`, and no `credentialName` on a gateway-bound (workloadSelector) rule.
fn unverified<'a>(dr: &Resource, tls: Option<Node<'a>>) -> Option<&'a str> {
    let tls = tls?;
    let mode = tls.get("mode").and_then(Node::as_str)?;
    if mode != "SIMPLE" && mode != "MUTUAL" {
        return None;
    }
    let set = |k: &str| {
        tls.get(k)
            .and_then(Node::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    if set("caCertificates")
        || (set("credentialName") && dr.spec().get("workloadSelector").is_some())
    {
        return None;
    }
    Some(mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn tls_without_ca_certificates() {
        let found = analyze(&ANALYZER, &["destinationrule/ca-certificates.yaml"]);
        insta::assert_snapshot!(found);
    }
}
