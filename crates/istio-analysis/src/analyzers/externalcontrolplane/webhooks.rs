//! `externalcontrolplane.ExternalControlPlaneAnalyzer`: Istio's injection and validation
//! webhooks must reach istiod either through a Service or through a URL; a webhook with
//! neither, or with a URL that names no host, cannot reach an external control plane.

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::catalog::codes::{IST0163, IST0164};
use crate::kinds::{MUTATING_WEBHOOK, VALIDATING_WEBHOOK};
use crate::message::Message;
use crate::resource::Resource;

/// Name prefix of Istio's (revisioned) validating webhook configurations.
const VALIDATOR_PREFIX: &str = "istio-validator";
/// Name of the default-revision validating webhook configuration.
const DEFAULT_VALIDATOR: &str = "istiod-default-validator";
/// Name prefix of Istio's sidecar-injector webhook configurations.
const INJECTOR_PREFIX: &str = "istio-sidecar-injector";

/// What is wrong with a webhook's client configuration.
enum Problem {
    /// Neither URL nor Service: the reason, for IST0163.
    Unreachable(&'static str),
    /// The URL's host is an IP address, for IST0164.
    IpAddress(String),
}

/// The host of a `scheme://host[:port]/path` URL, without brackets for IPv6.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split_once(']').map_or(v6, |(h, _)| h)
    } else {
        authority.split_once(':').map_or(authority, |(h, _)| h)
    };
    (!host.is_empty()).then_some(host)
}

fn check(client: Option<Node<'_>>) -> Option<Problem> {
    let url = client
        .and_then(|c| c.get("url"))
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty());
    match url {
        Some(url) => match url_host(url) {
            None => Some(Problem::Unreachable("is not a valid URL")),
            Some(host) if host.parse::<std::net::IpAddr>().is_ok() => {
                Some(Problem::IpAddress(host.to_owned()))
            }
            Some(_) => None,
        },
        None => {
            let service = client.and_then(|c| c.get("service"));
            service
                .is_none_or(Node::is_null)
                .then_some(Problem::Unreachable("is blank"))
        }
    }
}

fn check_configuration(ctx: &mut Context<'_>, id: crate::resource::ResourceId, r: &Resource) {
    let hooks = r.root().get("webhooks").and_then(Node::as_array);
    for (i, hook) in hooks.into_iter().flatten().enumerate() {
        let name = hook.get("name").and_then(Node::as_str).unwrap_or("");
        let field = format!("webhooks[{i}].clientConfig");
        match check(hook.get("clientConfig")) {
            Some(Problem::Unreachable(why)) => {
                let url = hook
                    .pointer("/clientConfig/url")
                    .and_then(Node::as_str)
                    .filter(|u| !u.trim().is_empty())
                    .map_or_else(|| "\"\"".to_owned(), str::to_owned);
                ctx.report(
                    Message::new(IST0163, id, vec![url, name.to_owned(), why.to_owned()]).at(field),
                );
            }
            Some(Problem::IpAddress(host)) => {
                ctx.report(Message::new(IST0164, id, vec![host, name.to_owned()]).at(field));
            }
            None => {}
        }
    }
}

crate::analyzer! {
    /// Checks that Istio's webhooks can reach an external control plane.
    name: "externalcontrolplane.ExternalControlPlaneAnalyzer",
    inputs: [MUTATING_WEBHOOK, VALIDATING_WEBHOOK],
    codes: [IST0163, IST0164],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    for (id, r) in store.of_kind(VALIDATING_WEBHOOK) {
        if r.name.starts_with(VALIDATOR_PREFIX) || &*r.name == DEFAULT_VALIDATOR {
            check_configuration(ctx, id, r);
        }
    }
    for (id, r) in store.of_kind(MUTATING_WEBHOOK) {
        if r.name.starts_with(INJECTOR_PREFIX) {
            check_configuration(ctx, id, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_webhooks_that_cannot_reach_istiod() {
        let found = analyze(&ANALYZER, &["externalcontrolplane/webhooks.yaml"]);
        insta::assert_snapshot!(found);
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://istiod.example.com:15017/inject"),
            Some("istiod.example.com")
        );
        assert_eq!(url_host("https://[::1]:443/x"), Some("::1"));
        assert_eq!(url_host("https:///x"), None);
    }
}
