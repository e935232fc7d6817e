//! One tunnel to a port of a pod through `pods/portforward`, as kubectl opens it: WebSocket
//! (`v4.channel.k8s.io`, the `kube` crate's port-forwarder) first, and SPDY/3.1
//! (`portforward.k8s.io`) when the server or a proxy in between refuses the WebSocket
//! upgrade. Once SPDY was needed, a port forward goes on with SPDY.

use std::sync::atomic::{AtomicBool, Ordering};

use http::header::{CONNECTION, UPGRADE};
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ForwardError, PodRef};
use crate::{client_failure, status_failure, Cluster, Failure};

/// The stream protocol of SPDY port forwarding.
const SPDY_PROTOCOL: &str = "portforward.k8s.io";

/// An open tunnel to one port of a pod.
pub(super) enum Tunnel {
    /// A WebSocket with one data and one error channel for the port.
    WebSocket(kube::api::Portforwarder),
    /// A SPDY/3.1 connection, on which each relayed connection opens its error and data
    /// streams.
    Spdy(spdy::Session),
}

/// What refused a tunnel: whether SPDY is worth trying after WebSocket.
fn falls_back(failure: &Failure) -> bool {
    match failure {
        // Not a protocol question: no permission, no credentials, no such pod.
        Failure::Api { code, .. } => !matches!(code, 401 | 403 | 404),
        Failure::Unreachable(_) | Failure::Decode(_) | Failure::Config(_) => false,
    }
}

/// The error for a tunnel to `pod` refused with `failure`.
fn refused(cluster: &Cluster, pod: &PodRef, failure: Failure) -> ForwardError {
    match failure {
        Failure::Api {
            code: 403, message, ..
        } => ForwardError::Forbidden {
            pod: pod.name.clone(),
            namespace: pod.namespace.clone(),
            context: cluster.context.clone(),
            message,
        },
        failure @ Failure::Api { code: 401, .. } => {
            ForwardError::Kube(cluster.error(&format!("port-forward to pod {pod}"), failure))
        }
        Failure::Api { message, code, .. } => ForwardError::Tunnel {
            pod: pod.to_string(),
            reason: format!("{message} ({code})"),
        },
        Failure::Unreachable(reason) | Failure::Decode(reason) | Failure::Config(reason) => {
            ForwardError::Tunnel {
                pod: pod.to_string(),
                reason,
            }
        }
    }
}

/// Opens a tunnel to `port` of `pod`: WebSocket unless `spdy` says SPDY was needed before,
/// SPDY when the WebSocket upgrade is refused (and `spdy` remembers it).
pub(super) async fn open(
    cluster: &Cluster,
    pod: &PodRef,
    port: u16,
    spdy: &AtomicBool,
) -> Result<Tunnel, ForwardError> {
    let websocket_refusal = if spdy.load(Ordering::Relaxed) {
        None
    } else {
        let api: Api<Pod> = Api::namespaced(cluster.client.clone(), &pod.namespace);
        match api.portforward(&pod.name, &[port]).await {
            Ok(forwarder) => return Ok(Tunnel::WebSocket(forwarder)),
            Err(e) => {
                let failure = client_failure(&e);
                if !falls_back(&failure) {
                    return Err(refused(cluster, pod, failure));
                }
                Some(failure)
            }
        }
    };
    match spdy_session(cluster, pod).await {
        Ok(session) => {
            spdy.store(true, Ordering::Relaxed);
            Ok(Tunnel::Spdy(session))
        }
        Err(failure) => Err(match (refused(cluster, pod, failure), websocket_refusal) {
            (ForwardError::Tunnel { pod, reason }, Some(Failure::Api { code, message, .. })) => {
                ForwardError::Tunnel {
                    pod,
                    reason: format!("WebSocket: {message} ({code}); SPDY/3.1: {reason}"),
                }
            }
            (error, _) => error,
        }),
    }
}

/// Upgrades a `pods/portforward` request to SPDY/3.1.
async fn spdy_session(cluster: &Cluster, pod: &PodRef) -> Result<spdy::Session, Failure> {
    let uri = format!(
        "/api/v1/namespaces/{}/pods/{}/portforward",
        pod.namespace, pod.name
    );
    let request = http::Request::post(uri)
        .header(CONNECTION, "Upgrade")
        .header(UPGRADE, "SPDY/3.1")
        .header("X-Stream-Protocol-Version", SPDY_PROTOCOL)
        .body(kube::client::Body::empty())
        .map_err(|e| Failure::Config(e.to_string()))?;
    let response = cluster
        .client
        .send(request)
        .await
        .map_err(|e| client_failure(&e))?;
    let status = response.status();
    if status != http::StatusCode::SWITCHING_PROTOCOLS {
        let body = response
            .into_body()
            .collect_bytes()
            .await
            .unwrap_or_default();
        return Err(status_failure(status.as_u16(), &body));
    }
    let upgraded = hyper::upgrade::on(response)
        .await
        .map_err(|e| Failure::Unreachable(format!("the SPDY/3.1 upgrade failed: {e}")))?;
    let (session, _) = spdy::session(TokioIo::new(upgraded), spdy::Role::Client);
    Ok(session)
}

impl Tunnel {
    /// A tunnel that only proved it could be opened.
    pub(super) fn close(self) {
        match self {
            Tunnel::WebSocket(forwarder) => forwarder.abort(),
            Tunnel::Spdy(session) => {
                tokio::spawn(async move { session.close().await });
            }
        }
    }

    /// Relays `conn` to `port` of the pod until either side ends. `Err` is the pod side's
    /// error (nothing listening on the port, say) or a broken tunnel.
    pub(super) async fn relay(self, conn: &mut TcpStream, port: u16) -> Result<(), String> {
        match self {
            Tunnel::WebSocket(mut forwarder) => {
                let mut upstream = forwarder
                    .take_stream(port)
                    .ok_or_else(|| "the tunnel has no stream".to_owned())?;
                let error = forwarder.take_error(port);
                let copy = tokio::io::copy_bidirectional(conn, &mut upstream);
                let outcome = match error {
                    Some(error) => tokio::select! {
                        result = copy => result.map(|_| None),
                        message = error => Ok(message),
                    },
                    None => copy.await.map(|_| None),
                };
                forwarder.abort();
                // The browser or the pod closed its end (an `Err` of the copy): nothing to
                // report.
                match outcome {
                    Ok(Some(message)) => Err(message),
                    Ok(None) | Err(_) => Ok(()),
                }
            }
            Tunnel::Spdy(session) => {
                let outcome = relay_spdy(&session, conn, port).await;
                session.close().await;
                outcome
            }
        }
    }
}

/// The headers of one of a request's two streams, as kubectl sends them.
fn stream_headers(kind: &str, port: u16) -> spdy::Headers {
    vec![
        ("streamtype".to_owned(), kind.to_owned()),
        ("port".to_owned(), port.to_string()),
        ("requestid".to_owned(), "0".to_owned()),
    ]
}

/// Relays one connection over a SPDY session: an error stream the pod side writes to, then
/// a data stream carrying the bytes both ways.
async fn relay_spdy(
    session: &spdy::Session,
    conn: &mut TcpStream,
    port: u16,
) -> Result<(), String> {
    let broken = |e: spdy::Error| format!("the SPDY/3.1 tunnel broke: {e}");
    let (mut errors, error_side) = session
        .open(stream_headers("error", port))
        .await
        .map_err(broken)?
        .into_split();
    // The client never writes on the error stream.
    error_side.finish().await.map_err(broken)?;
    let (mut from_pod, mut to_pod) = session
        .open(stream_headers("data", port))
        .await
        .map_err(broken)?
        .into_split();
    let (mut from_client, mut to_client) = conn.split();
    let upstream = async {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to_pod.write(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
        let _ = to_pod.finish().await;
    };
    let downstream = async {
        while let Some(bytes) = from_pod.read().await {
            if to_client.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to_client.shutdown().await;
    };
    let copy = async {
        tokio::join!(upstream, downstream);
    };
    tokio::pin!(copy);
    let mut text = Vec::new();
    let error = async {
        while let Some(bytes) = errors.read().await {
            text.extend_from_slice(&bytes);
        }
    };
    tokio::select! {
        () = &mut copy => return Ok(()),
        () = error => {}
    }
    if text.is_empty() {
        // The error stream ended with nothing to say: the relay goes on to its end.
        copy.await;
        return Ok(());
    }
    Err(String::from_utf8_lossy(&text).into_owned())
}
