//! `applicationUID.Analyzer`: application containers of Pods and Deployments that run as user
//! 1337, the UID reserved for the sidecar proxy (its traffic is not intercepted).

use istio_core::tree::Node;

use crate::analyzer::Context;
use crate::analyzers::util::workloads::{pod_metadata, pod_spec, string_map, ISTIO_PROXY};
use crate::catalog::codes::IST0144;
use crate::kinds::{DEPLOYMENT, POD};
use crate::message::Message;
use crate::resource::Resource;

/// The UID the sidecar runs as.
const PROXY_UID: i64 = 1337;

/// Istio's own control-plane and gateway workloads (labeled `istio` or with a revision).
fn is_control_plane(r: &Resource) -> bool {
    let template = string_map(pod_metadata(r), "labels");
    [r.labels(), template].iter().any(|l| {
        l.contains_key("istio")
            || l.get("istio.io/rev")
                .and_then(Node::as_str)
                .is_some_and(|v| !v.is_empty())
    })
}

/// The field paths (under the pod spec) that set user 1337 for the application.
fn offending_fields(spec: Node<'_>) -> Vec<String> {
    let runs_as_proxy = |ctx: Option<Node<'_>>| {
        ctx.and_then(|c| c.get("runAsUser")).and_then(Node::as_i64) == Some(PROXY_UID)
    };
    let mut fields = Vec::new();
    if runs_as_proxy(spec.get("securityContext")) {
        fields.push("securityContext.runAsUser".to_owned());
    }
    let containers = spec.get("containers").and_then(Node::as_array);
    for (i, c) in containers.into_iter().flatten().enumerate() {
        let name = c.get("name").and_then(Node::as_str).unwrap_or("");
        if name != ISTIO_PROXY
            && name != "istio-operator"
            && runs_as_proxy(c.get("securityContext"))
        {
            fields.push(format!("containers[{i}].securityContext.runAsUser"));
        }
    }
    fields
}

crate::analyzer! {
    /// Checks that application containers do not run as UID 1337, which is reserved for the proxy.
    name: "applicationUID.Analyzer",
    inputs: [POD, DEPLOYMENT],
    codes: [IST0144],
    run: analyze,
}

fn analyze(ctx: &mut Context<'_>) {
    let store = ctx.store;
    for kind in [POD, DEPLOYMENT] {
        for (id, r) in store.of_kind(kind) {
            if is_control_plane(r) {
                continue;
            }
            let (spec, base) = pod_spec(r);
            if let Some(field) = offending_fields(spec).first() {
                ctx.report(Message::new(IST0144, id, vec![]).at(format!("{base}.{field}")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::analyze;

    #[test]
    fn reports_pods_and_deployments_running_as_1337() {
        insta::assert_snapshot!(analyze(&ANALYZER, &["applicationUID/uids.yaml"]));
    }
}
