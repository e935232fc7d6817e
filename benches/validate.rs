//! Validating 10 000 VirtualServices against parsing them: prints both times and their ratio
//! (the budget is validation ≤ 1.5× parsing). Run with `cargo bench --bench validate`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use istio_api as api;
use istio_core::tree::Document;
use istio_core::yaml::{parse_tree, split_documents};

const COUNT: usize = 10_000;

/// A stream of `COUNT` realistic VirtualServices, each a little different.
fn stream() -> String {
    let mut text = String::new();
    for i in 0..COUNT {
        text.push_str(&format!(
            r#"---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-{i}
  namespace: ns-{ns}
spec:
  hosts:
  - reviews-{i}.ns-{ns}.svc.cluster.local
  gateways:
  - mesh
  - istio-system/ingress
  http:
  - name: canary
    match:
    - uri:
        prefix: /v{i}
      headers:
        end-user:
          exact: user-{i}
    route:
    - destination:
        host: reviews-{i}
        subset: v2
      weight: 10
    - destination:
        host: reviews-{i}
        subset: v1
        port:
          number: 9080
      weight: 90
    timeout: {t}s
    retries:
      attempts: 3
      perTryTimeout: 500ms
      retryOn: 5xx,reset
  - route:
    - destination:
        host: reviews-{i}
    corsPolicy:
      allowOrigins:
      - exact: https://example.com
      allowMethods: [GET, POST]
      maxAge: 24h
"#,
            ns = i % 17,
            t = 1 + i % 9,
        ));
    }
    text
}

fn parse(text: &str) -> Vec<Document> {
    split_documents(text)
        .into_iter()
        .filter_map(|c| {
            let doc = text.get(c.range.clone())?;
            parse_tree(doc, c.first_line, c.range.start).ok()
        })
        .filter(|d| !d.root().is_null())
        .collect()
}

/// The best of `runs` timings of `f`.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let text = stream();
    let values = parse(&text);
    assert_eq!(values.len(), COUNT);
    // Build the schemas once before timing, as a long-running process would have.
    let errors: usize = values
        .iter()
        .map(|v| api::validate(v.root()).map(|v| v.len()).unwrap_or(1))
        .sum();
    assert_eq!(errors, 0, "the generated VirtualServices are valid");
    let parse_time = best(5, || parse(&text));
    let validate_time = best(5, || {
        values
            .iter()
            .map(|v| api::validate(v.root()).map(|v| v.len()).unwrap_or(1))
            .sum::<usize>()
    });
    let ratio = validate_time.as_secs_f64() / parse_time.as_secs_f64();
    println!(
        "{COUNT} VirtualServices: parse {parse_time:?}, validate {validate_time:?}, validate/parse = {ratio:.3} (budget 1.5)"
    );
}
