//! The HTTP(S) server: connections, authentication, fault injection, routing of discovery and
//! resource paths, logging of requests.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::auth;
use crate::config::FaultKind;
use crate::discovery;
use crate::handlers::{self, ResourceRequest};
use crate::openapi;
use crate::portforward;
use crate::protobuf;
use crate::rbac::{self, Attributes};
use crate::state::{json_response, locked, proto_response, Body, LoggedRequest, State};
use crate::status::ApiError;

fn error_response(err: &ApiError) -> Response<Body> {
    json_response(err.code, &err.to_status())
}

/// An error as a `Status`, in protobuf when the client prefers it.
fn error_reply(accept: &str, err: &ApiError) -> Response<Body> {
    if protobuf::preferred(accept) {
        if let Ok(bytes) = protobuf::encode(&err.to_status()) {
            return proto_response(err.code, bytes);
        }
    }
    error_response(err)
}

/// Returned by the service to make hyper close the connection without a reply.
#[derive(Debug)]
struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DroppedConnection {}

/// Decodes `%XX` and `+` in a query component.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(text.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn header(req: &Request<Incoming>, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Serves discovery and meta paths; `None` for resource paths.
fn discovery_route(state: &State, segments: &[&str], accept: &str) -> Option<Response<Body>> {
    let all = || state.lock().all_resources();
    let found = |doc: Option<Value>| match doc {
        Some(doc) => json_response(200, &doc),
        None => error_response(&ApiError::no_route()),
    };
    Some(match segments {
        ["version"] => json_response(200, &discovery::version()),
        ["api" | "apis"] if discovery::wants_aggregated(accept) => {
            let mut response =
                json_response(200, &discovery::aggregated(&all(), segments == ["api"]));
            if let Ok(value) = hyper::header::HeaderValue::from_str(discovery::AGGREGATED) {
                response.headers_mut().insert("Content-Type", value);
            }
            response
        }
        ["api"] => json_response(200, &discovery::core_versions(&state.server_address)),
        ["apis"] => json_response(200, &discovery::group_list(&all())),
        ["api", version] => found(discovery::resource_list(&all(), "", version)),
        ["apis", group] => found(discovery::group(&all(), group)),
        ["apis", group, version] => {
            let discoverable = state.lock().discoverable_resources();
            found(discovery::resource_list(&discoverable, group, version))
        }
        ["healthz" | "livez" | "readyz"] => Response::builder()
            .status(200)
            .header("Content-Type", "text/plain")
            .body(Full::new(Bytes::from_static(b"ok")).boxed_unsync())
            .expect("static response parts are valid"),
        ["openapi", "v3"] => json_response(200, &openapi::root(&all())),
        ["openapi", "v3", rest @ ..] => found(openapi::group_version_doc(&all(), &rest.join("/"))),
        ["openapi", "v2"] => openapi::v2(accept),
        [] | ["openapi", ..] => error_response(&ApiError::no_route()),
        _ => return None,
    })
}

/// A resource path: `/api/v1/...` or `/apis/{group}/{version}/...`.
#[derive(Debug, PartialEq, Eq)]
struct ResourcePath<'a> {
    group: &'a str,
    version: &'a str,
    namespace: Option<&'a str>,
    resource: &'a str,
    name: Option<&'a str>,
    subresource: Option<&'a str>,
}

/// Resolves a resource path from its segments.
fn resource_path<'a>(segments: &[&'a str]) -> Option<ResourcePath<'a>> {
    let (group, version, rest) = match segments {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let path = |namespace, resource, name, subresource| ResourcePath {
        group,
        version,
        namespace,
        resource,
        name,
        subresource,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, sub @ ("status" | "finalize")] => {
            return Some(path(None, "namespaces", Some(*ns), Some(*sub)))
        }
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(*ns), rest),
        _ => (None, rest),
    };
    match rest {
        [resource] => Some(path(namespace, resource, None, None)),
        [resource, name] => Some(path(namespace, resource, Some(*name), None)),
        [resource, name, sub] => Some(path(namespace, resource, Some(*name), Some(*sub))),
        _ => None,
    }
}

async fn dispatch(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DroppedConnection> {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let content_type = header(&req, "content-type");
    let response = route(&state, req).await;
    let status = response.as_ref().ok().map(|r| r.status().as_u16());
    if state.log_requests {
        match status {
            Some(code) => eprintln!("kube-emulator: {method} {uri} [{content_type}] -> {code}"),
            None => eprintln!("kube-emulator: {method} {uri} -> dropped"),
        }
    }
    locked(&state.requests).push(LoggedRequest {
        method: method.to_string(),
        uri: uri.to_string(),
        status,
    });
    response
}

async fn route(
    state: &Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DroppedConnection> {
    let path = req.uri().path().to_string();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let user = state.authenticate(&header(&req, "authorization"));
    let Some(user) = user.or_else(|| auth::is_public(&segments).then(auth::admin)) else {
        return Ok(error_response(&ApiError::unauthorized()));
    };
    if let Some(response) = discovery_route(state, &segments, &header(&req, "accept")) {
        return Ok(response);
    }
    let Some(ResourcePath {
        group,
        version,
        namespace,
        resource,
        name,
        subresource: sub,
    }) = resource_path(&segments)
    else {
        return Ok(error_response(&ApiError::no_route()));
    };

    let (latency, fault) = state.faults.draw();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(FaultKind::TooManyRequests) => {
            let mut response = error_response(&ApiError::too_many_requests());
            response
                .headers_mut()
                .insert("Retry-After", hyper::header::HeaderValue::from_static("1"));
            return Ok(response);
        }
        Some(FaultKind::ServerError) => {
            return Ok(error_response(&ApiError::internal(
                "Internal error occurred: injected fault",
            )))
        }
        Some(FaultKind::DropConnection) => return Err(DroppedConnection),
        None => {}
    }

    let Some(info) = state.lock().resolve(group, version, resource) else {
        return Ok(error_response(&ApiError::no_route()));
    };
    if namespace.is_some() && !info.namespaced {
        return Ok(error_response(&ApiError::no_route()));
    }
    let method = req.method().clone();
    let is_portforward =
        info.group.is_empty() && info.plural == "pods" && sub == Some("portforward");
    let content_type = header(&req, "content-type");
    let accept = header(&req, "accept");
    let user_agent = header(&req, "user-agent");
    let query = parse_query(req.uri().query());
    let (namespace, name, sub) = (
        namespace.map(str::to_string),
        name.map(str::to_string),
        sub.map(str::to_string),
    );
    if state.rbac {
        let attrs = Attributes {
            verb: verb(&method, name.is_some(), sub.as_deref(), &query).to_string(),
            group: info.group.clone(),
            resource: info.plural.clone(),
            subresource: sub.clone().unwrap_or_default(),
            namespace: namespace.clone().unwrap_or_default(),
            name: name.clone().unwrap_or_default(),
        };
        let store = state.lock();
        let mut denied = (!rbac::decide(&store, &user, &attrs).0).then_some(&attrs);
        // Server-side apply of an object that does not exist creates it: that needs `create`.
        let creating = Attributes {
            verb: "create".into(),
            name: String::new(),
            ..attrs.clone()
        };
        let applies =
            method == hyper::Method::PATCH && content_type.starts_with("application/apply-patch");
        if denied.is_none() && applies {
            let key = crate::store::Key::new(&info, &attrs.namespace, &attrs.name);
            if store.get(&key).is_none() && !rbac::decide(&store, &user, &creating).0 {
                denied = Some(&creating);
            }
        }
        if let Some(attrs) = denied {
            return Ok(error_reply(&accept, &rbac::forbidden(&user, attrs)));
        }
    }
    if is_portforward {
        let (Some(namespace), Some(name)) = (namespace, name) else {
            return Ok(error_response(&ApiError::no_route()));
        };
        return Ok(
            port_forward(state, req, &namespace, &name).unwrap_or_else(|e| error_response(&e))
        );
    }
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return Ok(error_response(&ApiError::bad_request(format!(
                "reading the request body: {e}"
            ))))
        }
    };
    let request = ResourceRequest {
        method,
        info,
        namespace,
        name,
        subresource: sub,
        query,
        content_type,
        accept,
        user_agent,
        body,
        user,
    };
    let accept = request.accept.clone();
    Ok(handlers::handle(state, request).unwrap_or_else(|e| error_reply(&accept, &e)))
}

/// `pods/{name}/portforward`: the Pod must exist and name its local backends.
fn port_forward(
    state: &Arc<State>,
    req: Request<Incoming>,
    namespace: &str,
    name: &str,
) -> Result<Response<Body>, ApiError> {
    let pod = {
        let store = state.lock();
        let info = store
            .resolve("", "v1", "pods")
            .ok_or_else(ApiError::no_route)?;
        store
            .get(&crate::store::Key::new(&info, namespace, name))
            .cloned()
            .ok_or_else(|| ApiError::not_found("", "pods", name))?
    };
    portforward::serve(req, pod, state.websocket_port_forward)
}

/// The authorization verb of a request.
fn verb(
    method: &hyper::Method,
    named: bool,
    subresource: Option<&str>,
    query: &HashMap<String, String>,
) -> &'static str {
    let watch = matches!(query.get("watch").map(String::as_str), Some("true" | "1"));
    // Connecting to a pod (a WebSocket GET) is authorized as `create`, like SPDY's POST.
    if matches!(subresource, Some("portforward" | "exec" | "attach")) {
        return "create";
    }
    match (method.as_str(), named) {
        ("GET", _) if watch => "watch",
        ("GET", true) => "get",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "unknown",
    }
}

async fn serve_connection<S>(state: Arc<State>, io: S)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| dispatch(Arc::clone(&state), req));
    // Errors here are client disconnects or injected drops; nothing to report.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades()
        .await;
}

/// Accepts connections (TLS when `acceptor` is set) until `shutdown` fires.
pub(crate) async fn accept_loop(
    state: Arc<State>,
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
        };
        let state = Arc::clone(&state);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls_stream) = acceptor.accept(stream).await {
                        serve_connection(state, tls_stream).await;
                    }
                }
                None => serve_connection(state, stream).await,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query(Some("labelSelector=app%20in%20(a%2Cb)&limit=2&x"));
        assert_eq!(q["labelSelector"], "app in (a,b)");
        assert_eq!(q["limit"], "2");
        assert_eq!(q["x"], "");
        assert_eq!(percent_decode("a+b%3D"), "a b=");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn paths() {
        let p = resource_path(&["api", "v1", "namespaces", "ns", "configmaps", "c"]).unwrap();
        assert_eq!(
            (
                p.group,
                p.version,
                p.namespace,
                p.resource,
                p.name,
                p.subresource
            ),
            ("", "v1", Some("ns"), "configmaps", Some("c"), None)
        );
        let p = resource_path(&["api", "v1", "namespaces", "ns"]).unwrap();
        assert_eq!(
            (p.namespace, p.resource, p.name),
            (None, "namespaces", Some("ns"))
        );
        let p = resource_path(&["api", "v1", "namespaces", "ns", "status"]).unwrap();
        assert_eq!(
            (p.resource, p.name, p.subresource),
            ("namespaces", Some("ns"), Some("status"))
        );
        let p = resource_path(&["apis", "apps", "v1", "deployments"]).unwrap();
        assert_eq!((p.group, p.resource, p.name), ("apps", "deployments", None));
        assert!(resource_path(&["apis", "apps"]).is_none());
    }
}
